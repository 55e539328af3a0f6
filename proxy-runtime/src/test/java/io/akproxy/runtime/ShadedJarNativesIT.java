package io.akproxy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * One shipped jar runs fast on both kinds of Linux node: epoll and BoringSSL natives for x86_64 and
 * for aarch64 (Graviton, Ampere, Apple-silicon kind clusters). Without them an arm64 pod falls back
 * to NIO and the JDK's TLS, at two to four times the CPU per handshake.
 */
class ShadedJarNativesIT {

  private static final Path JAR = Path.of("target", "proxy-runtime.jar");

  @Test
  void carriesEpollAndBoringSslForBothArchitectures() throws IOException {
    List<String> natives;
    try (JarFile jar = new JarFile(JAR.toFile())) {
      natives =
          jar.stream()
              .map(JarEntry::getName)
              .filter(name -> name.startsWith("META-INF/native/") && name.endsWith(".so"))
              .toList();
    }

    assertThat(natives)
        .contains(
            "META-INF/native/libnetty_transport_native_epoll_x86_64.so",
            "META-INF/native/libnetty_transport_native_epoll_aarch_64.so",
            "META-INF/native/libnetty_tcnative_linux_x86_64.so",
            "META-INF/native/libnetty_tcnative_linux_aarch_64.so");
  }
}
