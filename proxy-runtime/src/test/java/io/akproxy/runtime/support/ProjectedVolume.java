package io.akproxy.runtime.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A directory laid out as kubelet projects a ConfigMap or Secret: the files live in a timestamped
 * {@code ..<time>} directory, {@code ..data} is a symlink to it, and each visible name is a symlink
 * through {@code ..data}. An update writes a new timestamped directory and swaps {@code ..data}
 * with one atomic rename, as kubelet's AtomicWriter does.
 */
public final class ProjectedVolume {

  private static final AtomicInteger GENERATION = new AtomicInteger();

  private final Path directory;
  private Path current;

  private ProjectedVolume(Path directory) {
    this.directory = directory;
  }

  public static ProjectedVolume create(Path directory, Map<String, String> files) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProjectedVolume volume = new ProjectedVolume(directory);
    volume.update(files);
    return volume;
  }

  public Path directory() {
    return directory;
  }

  public Path file(String name) {
    return directory.resolve(name);
  }

  /** Replaces the whole content with one atomic symlink swap. */
  public void update(Map<String, String> files) {
    try {
      Path next = directory.resolve("..2026_01_01_00_00_00." + GENERATION.incrementAndGet());
      Files.createDirectory(next);
      for (var file : files.entrySet()) {
        Files.writeString(next.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      }
      Path tmp = directory.resolve("..data_tmp");
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, next.getFileName());
      Files.move(tmp, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      for (String name : files.keySet()) {
        Path link = directory.resolve(name);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of("..data").resolve(name));
        }
      }
      if (current != null) {
        deleteTree(current);
      }
      current = next;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
