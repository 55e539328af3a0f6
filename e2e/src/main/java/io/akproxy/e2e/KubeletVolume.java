package io.akproxy.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A directory laid out exactly as the kubelet projects a ConfigMap or Secret volume (its
 * AtomicWriter): the files live in a timestamped {@code ..2026_11_30_12_00_00.1} directory, {@code
 * ..data} is a symlink to it, and every key is a symlink {@code key -> ..data/key}. An update
 * writes a new timestamped directory and swaps {@code ..data} with one atomic rename, so a reader
 * sees the old set or the new set, never a mix.
 */
public final class KubeletVolume {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final Path dir;

  public KubeletVolume(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Path file(String key) {
    return dir.resolve(key);
  }

  /** Projects {@code files} (key → content) as the volume's whole new content. */
  public void project(Map<String, byte[]> files) {
    try {
      Files.createDirectories(dir);
      Path previous = currentDataDir();
      Path next =
          dir.resolve(".." + LocalDateTime.now().format(STAMP) + "." + SEQUENCE.incrementAndGet());
      Files.createDirectory(next);
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Files.write(next.resolve(file.getKey()), file.getValue());
      }
      Path tmp = dir.resolve("..data_tmp");
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, next.getFileName());
      Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      for (String key : files.keySet()) {
        Path link = dir.resolve(key);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of("..data", key));
        }
      }
      removeStaleKeys(files);
      if (previous != null) {
        deleteRecursively(previous);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("projecting into " + dir, e);
    }
  }

  private Path currentDataDir() throws IOException {
    Path data = dir.resolve("..data");
    if (!Files.isSymbolicLink(data)) {
      return null;
    }
    return dir.resolve(Files.readSymbolicLink(data));
  }

  private void removeStaleKeys(Map<String, byte[]> files) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.startsWith("..") && !files.containsKey(name)) {
          Files.delete(entry);
        }
      }
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
