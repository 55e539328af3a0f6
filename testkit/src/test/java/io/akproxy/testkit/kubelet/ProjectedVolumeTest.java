package io.akproxy.testkit.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.akproxy.testkit.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectedVolumeTest {

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-31T12:00:00Z"));

  @Test
  void projectsEachKeyAsALinkThroughDataIntoATimestampedDirectory() throws Exception {
    ProjectedVolume volume = new ProjectedVolume(dir, clock);

    assertThat(volume.projectText(Map.of("tls.crt", "cert-1", "tls.key", "key-1"))).isTrue();

    assertThat(Files.readSymbolicLink(dir.resolve("tls.crt"))).isEqualTo(Path.of("..data/tls.crt"));
    assertThat(Files.readSymbolicLink(dir.resolve("..data")).toString())
        .matches("\\.\\.2026_01_31_12_00_00\\.\\d+");
    assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("cert-1");
    assertThat(Files.readString(volume.file("tls.key"))).isEqualTo("key-1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.key"))))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void anUpdateSwapsTheWholeSetRemovesDroppedKeysAndTheOldDirectory() throws Exception {
    ProjectedVolume volume = new ProjectedVolume(dir, clock);
    volume.projectText(Map.of("tls.crt", "cert-1", "tls.key", "key-1", "ca.crt", "ca-1"));
    Path first = dir.resolve(Files.readSymbolicLink(dir.resolve("..data")));
    clock.advance(Duration.ofSeconds(61));

    volume.projectText(Map.of("tls.crt", "cert-2", "tls.key", "key-2"));

    assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("cert-2");
    assertThat(dir.resolve("ca.crt")).doesNotExist();
    assertThat(Files.isSymbolicLink(dir.resolve("ca.crt"))).isFalse();
    assertThat(first).doesNotExist();
    assertThat(Files.readSymbolicLink(dir.resolve("..data")).toString())
        .startsWith("..2026_01_31_12_01_01.");
    assertThat(entries()).hasSize(4); // ..data, the timestamped directory, two links
  }

  @Test
  void filesCarryTheVolumesMode() throws Exception {
    ProjectedVolume volume = new ProjectedVolume(dir, clock);

    volume.project(Map.of("tls.key", new byte[] {1}), 0440);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.key"))))
        .isEqualTo("r--r-----");
  }

  @Test
  void anUnchangedPayloadWritesNothing() throws Exception {
    ProjectedVolume volume = new ProjectedVolume(dir, clock);
    volume.projectText(Map.of("proxy.json", "{}"));
    Path data = Files.readSymbolicLink(dir.resolve("..data"));

    assertThat(volume.projectText(Map.of("proxy.json", "{}"))).isFalse();

    assertThat(Files.readSymbolicLink(dir.resolve("..data"))).isEqualTo(data);
  }

  @Test
  void droppingAKeyAloneIsAnUpdate() throws Exception {
    ProjectedVolume volume = new ProjectedVolume(dir, clock);
    volume.projectText(Map.of("a", "1", "b", "2"));

    assertThat(volume.projectText(Map.of("a", "1"))).isTrue();

    assertThat(dir.resolve("b")).doesNotExist();
  }

  @Test
  void nestedPathsAreLinkedByTheirFirstSegment() throws Exception {
    ProjectedVolume volume = new ProjectedVolume(dir, clock);

    volume.projectText(Map.of("certs/tls.crt", "nested"));

    assertThat(Files.readSymbolicLink(dir.resolve("certs"))).isEqualTo(Path.of("..data/certs"));
    assertThat(Files.readString(dir.resolve("certs/tls.crt"))).isEqualTo("nested");
  }

  @Test
  void refusesPathsTheKubeletRefuses() {
    ProjectedVolume volume = new ProjectedVolume(dir, clock);

    for (String bad : List.of("..data", "/etc/passwd", "a/../b", "")) {
      assertThatThrownBy(() -> volume.projectText(Map.of(bad, "x")))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void dataIsSwappedByOneRenameSoAReaderAlwaysFindsIt() throws Exception {
    ProjectedVolume volume = new ProjectedVolume(dir);
    volume.projectText(Map.of("tls.crt", "0"));
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> missing = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                // Not tls.crt: a reader that resolved ..data to the old directory just before the
                // swap can find that directory deleted, with the real kubelet too.
                if (!Files.isSymbolicLink(dir.resolve("..data"))) {
                  missing.set("..data was missing during a swap");
                }
              }
            });
    reader.start();

    for (int i = 1; i <= 300; i++) {
      volume.projectText(Map.of("tls.crt", Integer.toString(i)));
    }
    done.set(true);
    reader.join();

    assertThat(missing.get()).isNull();
    assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("300");
  }

  private List<String> entries() throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).toList();
    }
  }
}
