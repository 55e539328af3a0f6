package io.akproxy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeCommandLineTest {

  @Test
  void readsTheConfigPathAndDefaultsToOneEventLoopPerCpu() throws Exception {
    CommandLine line = CommandLine.parse(List.of("--config", "/etc/p.json"), Map.of(), 4);
    assertThat(line.configFile()).isEqualTo(Path.of("/etc/p.json"));
    assertThat(line.eventLoops()).isEqualTo(4);
    assertThat(line.tlsEngine()).isEqualTo("auto");
  }

  @Test
  void optionsOverrideTheEnvironment() throws Exception {
    Map<String, String> env = Map.of("AKPROXY_EVENT_LOOPS", "2", "AKPROXY_TLS_ENGINE", "jdk");
    assertThat(CommandLine.parse(List.of("--config", "c"), env, 4))
        .isEqualTo(new CommandLine(Path.of("c"), 2, "jdk"));
    assertThat(
            CommandLine.parse(
                List.of("--config", "c", "--event-loops", "1", "--tls-engine", "openssl"), env, 4))
        .isEqualTo(new CommandLine(Path.of("c"), 1, "openssl"));
  }

  @Test
  void rejectsWhatItCannotUnderstand() {
    assertThatThrownBy(() -> CommandLine.parse(List.of(), Map.of(), 1))
        .hasMessage("--config is required");
    assertThatThrownBy(() -> CommandLine.parse(List.of("--config"), Map.of(), 1))
        .hasMessage("--config needs a value");
    assertThatThrownBy(() -> CommandLine.parse(List.of("--confg", "x"), Map.of(), 1))
        .hasMessage("unknown argument \"--confg\"");
    assertThatThrownBy(
            () -> CommandLine.parse(List.of("--config", "x", "--event-loops", "0"), Map.of(), 1))
        .hasMessageContaining("positive");
  }

  @Test
  void proxyProtocolSupportIsDetectedFromTheClasspath() {
    assertThat(ProxyProtocolSupport.available()).isTrue();
    assertThat(ProxyProtocolSupport.available("io.netty.handler.codec.haproxy.Missing")).isFalse();
  }
}
