package io.akproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeletVolumeTest {

  @TempDir Path dir;

  @Test
  void projectsKeysAsSymlinksThroughTheDataLink() throws Exception {
    KubeletVolume volume = new KubeletVolume(dir);

    volume.project(Map.of("tls.crt", bytes("cert-1"), "tls.key", bytes("key-1")));

    assertThat(Files.readSymbolicLink(dir.resolve("tls.crt"))).isEqualTo(Path.of("..data/tls.crt"));
    assertThat(Files.readSymbolicLink(dir.resolve("..data")).toString()).startsWith("..");
    assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("cert-1");
  }

  @Test
  void anUpdateSwapsTheWholeSetAndRemovesTheOldOne() throws Exception {
    KubeletVolume volume = new KubeletVolume(dir);
    volume.project(Map.of("tls.crt", bytes("cert-1"), "ca.crt", bytes("ca-1")));
    Path first = dir.resolve(Files.readSymbolicLink(dir.resolve("..data")));

    volume.project(Map.of("tls.crt", bytes("cert-2")));

    assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("cert-2");
    assertThat(dir.resolve("ca.crt")).doesNotExist();
    assertThat(first).doesNotExist();
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("..2")))
          .hasSize(1);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
