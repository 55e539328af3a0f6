package io.akproxy.testkit.kubelet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A ConfigMap or Secret volume written the way the kubelet's AtomicWriter writes it
 * (kubernetes/pkg/volume/util/atomic_writer.go):
 *
 * <pre>
 *   dir/..2026_01_31_12_00_00.123456789/tls.crt   the files, in a timestamped directory
 *   dir/..data -> ..2026_01_31_12_00_00.123456789  swapped with one atomic rename
 *   dir/tls.crt -> ..data/tls.crt                  one link per key (per first path segment)
 * </pre>
 *
 * An update that changes nothing writes nothing; otherwise it writes a new timestamped directory,
 * swaps {@code ..data}, links new keys, removes the links of keys that are gone, then the old
 * directory. A reader sees the old set or the new set, never a mix. Not thread-safe: one writer per
 * volume, as in the kubelet.
 */
public final class ProjectedVolume {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss'.'").withZone(ZoneOffset.UTC);
  private static final String DATA = "..data";
  private static final String DATA_TMP = "..data_tmp";

  private final Path dir;
  private final Clock clock;

  public ProjectedVolume(Path dir) {
    this(dir, Clock.systemUTC());
  }

  /** {@code clock} names the timestamped directories. */
  public ProjectedVolume(Path dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
  }

  /**
   * A volume at {@code dir} projected with {@code files} as UTF-8 text, as a pod starts with it.
   */
  public static ProjectedVolume withText(Path dir, Map<String, String> files) {
    ProjectedVolume volume = new ProjectedVolume(dir);
    volume.projectText(files);
    return volume;
  }

  public Path dir() {
    return dir;
  }

  /** The path a reader opens for {@code key}. */
  public Path file(String key) {
    return dir.resolve(key);
  }

  /** A volume's {@code defaultMode} when it names none: 0644. */
  public static final int DEFAULT_MODE = 0644;

  /** {@link #project} with UTF-8 text. */
  public boolean projectText(Map<String, String> files) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    files.forEach((key, text) -> bytes.put(key, text.getBytes(StandardCharsets.UTF_8)));
    return project(bytes);
  }

  /** {@link #project(Map, int)} with the default mode, 0644. */
  public boolean project(Map<String, byte[]> files) {
    return project(files, DEFAULT_MODE);
  }

  /**
   * Makes {@code files} (relative path → content) the volume's whole content.
   *
   * @param mode the files' permission bits, as the volume's {@code defaultMode} (e.g. {@code 0440})
   * @return whether anything changed on disk
   */
  public boolean project(Map<String, byte[]> files, int mode) {
    Map<String, byte[]> payload = validated(files);
    try {
      Files.createDirectories(dir);
      Path data = dir.resolve(DATA);
      Path oldTimestamped =
          Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
      Set<String> toRemove = Set.of();
      if (oldTimestamped != null) {
        toRemove = visiblePathsToRemove(payload, oldTimestamped);
        if (toRemove.isEmpty() && sameContent(payload, oldTimestamped)) {
          return false;
        }
      }
      Path timestamped = newTimestampedDir();
      for (Map.Entry<String, byte[]> file : payload.entrySet()) {
        Path target = timestamped.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.write(target, file.getValue());
        setMode(target, permissions(mode));
      }
      Path tmp = dir.resolve(DATA_TMP);
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, timestamped.getFileName());
      Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE);
      for (String key : payload.keySet()) {
        String first = firstSegment(key);
        Path link = dir.resolve(first);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of(DATA, first));
        }
      }
      for (String gone : toRemove) {
        Files.deleteIfExists(dir.resolve(gone));
      }
      if (oldTimestamped != null) {
        deleteRecursively(oldTimestamped);
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("projecting into " + dir, e);
    }
  }

  private static Map<String, byte[]> validated(Map<String, byte[]> files) {
    Map<String, byte[]> payload = new TreeMap<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      String key = file.getKey();
      if (key.isEmpty()
          || key.startsWith("/")
          || key.startsWith("..")
          || Arrays.asList(key.split("/")).contains("..")) {
        throw new IllegalArgumentException("invalid volume path: " + key);
      }
      payload.put(key, file.getValue());
    }
    return payload;
  }

  /** Top-level entries of the old set that the new payload no longer has. */
  private static Set<String> visiblePathsToRemove(Map<String, byte[]> payload, Path oldDir)
      throws IOException {
    Set<String> kept = new HashSet<>();
    payload.keySet().forEach(key -> kept.add(firstSegment(key)));
    Set<String> remove = new HashSet<>();
    if (!Files.isDirectory(oldDir)) {
      return remove;
    }
    try (Stream<Path> entries = Files.list(oldDir)) {
      entries
          .map(p -> p.getFileName().toString())
          .filter(name -> !kept.contains(name))
          .forEach(remove::add);
    }
    return remove;
  }

  private static boolean sameContent(Map<String, byte[]> payload, Path oldDir) throws IOException {
    for (Map.Entry<String, byte[]> file : payload.entrySet()) {
      Path old = oldDir.resolve(file.getKey());
      if (!Files.isRegularFile(old) || !Arrays.equals(Files.readAllBytes(old), file.getValue())) {
        return false;
      }
    }
    return true;
  }

  private Path newTimestampedDir() throws IOException {
    String prefix = STAMP.format(clock.instant());
    while (true) {
      Path candidate =
          dir.resolve(prefix + ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000));
      try {
        Files.createDirectory(candidate);
        setMode(candidate, "rwxr-xr-x");
        return candidate;
      } catch (FileAlreadyExistsException e) {
        // Go's MkdirTemp retries with another random suffix too.
      }
    }
  }

  /** {@code 0440} → {@code r--r-----}. */
  private static String permissions(int mode) {
    StringBuilder text = new StringBuilder(9);
    String letters = "rwxrwxrwx";
    for (int bit = 8; bit >= 0; bit--) {
      text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
    }
    return text.toString();
  }

  private static String firstSegment(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? key : key.substring(0, slash);
  }

  private static void setMode(Path path, String mode) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: modes do not matter there.
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException e) {
          // already gone
        }
      }
    }
  }
}
