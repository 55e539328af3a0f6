package io.akproxy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.akproxy.config.ProxyConfig;
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
        .isEqualTo(new CommandLine(Path.of("c"), 2, "jdk", Overrides.NONE, false));
    assertThat(
            CommandLine.parse(
                List.of("--config", "c", "--event-loops", "1", "--tls-engine", "openssl"), env, 4))
        .isEqualTo(new CommandLine(Path.of("c"), 1, "openssl", Overrides.NONE, false));
  }

  @Test
  void anyPortsIsOffUnlessAskedForAndChangesNothingElse() throws Exception {
    assertThat(parse().anyPorts()).isFalse();
    assertThat(parse("--any-ports", "--event-loops", "3"))
        .isEqualTo(new CommandLine(Path.of("c"), 3, "auto", Overrides.NONE, true));
    assertThat(parse("--bind-address", "127.0.0.9", "--any-ports").overrides().bindAddress())
        .contains("127.0.0.9");
    assertThat(CommandLine.USAGE).contains("[--any-ports]").contains("never in a pod");
  }

  @Test
  void readsTheOverridesThatRunAPodsConfigOutsideItsContainer() throws Exception {
    CommandLine line =
        CommandLine.parse(
            List.of(
                "--config",
                "/tmp/pod-1/etc/akproxy/config/proxy.json",
                "--root",
                "/tmp/pod-1",
                "--bind-address",
                "127.0.1.1",
                "--resolve",
                "authentik-server.authentik.svc.cluster.local:9443=127.0.0.1:40443",
                "--resolve",
                "[FD00::1]:443=[::1]:8443"),
            Map.of(),
            1);

    Overrides overrides = line.overrides();
    assertThat(overrides.files().local("/etc/akproxy/tls/tls.crt"))
        .isEqualTo(Path.of("/tmp/pod-1/etc/akproxy/tls/tls.crt"));
    assertThat(overrides.bindAddress()).contains("127.0.1.1");
    assertThat(overrides.resolve())
        .containsExactly(
            Map.entry(
                new Overrides.Authority("authentik-server.authentik.svc.cluster.local", 9443),
                new Overrides.Authority("127.0.0.1", 40443)),
            Map.entry(
                new Overrides.Authority("fd00::1", 443), new Overrides.Authority("::1", 8443)));
    assertThat(overrides.describe())
        .containsExactly(
            "--root /tmp/pod-1",
            "--bind-address 127.0.1.1",
            "--resolve authentik-server.authentik.svc.cluster.local:9443=127.0.0.1:40443",
            "--resolve [fd00::1]:443=[::1]:8443");
  }

  @Test
  void theOverridesMoveTheBindAddressAndTheUpstreamConnectionOnly() throws Exception {
    ProxyConfig config = ProxyConfig.defaults(List.of("sso.example.com"));
    Overrides none = CommandLine.parse(List.of("--config", "c"), Map.of(), 1).overrides();
    assertThat(none).isEqualTo(Overrides.NONE);
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.bindAddress(config)).isEqualTo("0.0.0.0");
    assertThat(none.upstreamAddress(config.upstream()))
        .isEqualTo(new Overrides.Authority("authentik-server.authentik.svc.cluster.local", 9443));
    assertThat(none.files().local("/etc/akproxy/tls/tls.crt"))
        .isEqualTo(Path.of("/etc/akproxy/tls/tls.crt"));

    Overrides some =
        CommandLine.parse(
                List.of(
                    "--config",
                    "c",
                    "--bind-address",
                    "127.0.0.9",
                    "--resolve",
                    "AUTHENTIK-SERVER.authentik.svc.cluster.local:9443=127.0.0.1:1234",
                    "--resolve",
                    "other:9443=127.0.0.1:9"),
                Map.of(),
                1)
            .overrides();
    assertThat(some.isEmpty()).isFalse();
    assertThat(some.bindAddress(config)).isEqualTo("127.0.0.9");
    assertThat(some.upstreamAddress(config.upstream()))
        .isEqualTo(new Overrides.Authority("127.0.0.1", 1234));
  }

  @Test
  void rejectsOverridesItCannotUse() {
    assertThatThrownBy(() -> parse("--bind-address", "localhost"))
        .hasMessage("--bind-address: \"localhost\" is not an IP address");
    assertThatThrownBy(() -> parse("--resolve", "authentik:9443"))
        .hasMessage("--resolve: \"authentik:9443\" is not <host>:<port>=<ip>:<port>");
    assertThatThrownBy(() -> parse("--resolve", "authentik:9443=localhost:9443"))
        .hasMessage("--resolve: \"localhost:9443\" must be an IP address and a port");
    assertThatThrownBy(() -> parse("--resolve", "authentik=127.0.0.1:9443"))
        .hasMessage("--resolve: \"authentik\" is not host:port");
    assertThatThrownBy(() -> parse("--resolve", "authentik:0=127.0.0.1:9443"))
        .hasMessage("--resolve: \"authentik:0\": 0 is not a port (1-65535)");
    assertThatThrownBy(() -> parse("--resolve", "fd00::1:443=127.0.0.1:9443"))
        .hasMessage("--resolve: \"fd00::1:443\": write an IPv6 address in brackets, [::1]:9443");
    assertThatThrownBy(() -> parse("--resolve", "a:1=127.0.0.1:2", "--resolve", "A:1=127.0.0.1:3"))
        .hasMessage("--resolve: a:1 is given twice");
    assertThatThrownBy(() -> parse("--root")).hasMessage("--root needs a value");
  }

  private static CommandLine parse(String... options) throws CommandLine.UsageException {
    List<String> args = new java.util.ArrayList<>(List.of("--config", "c"));
    args.addAll(List.of(options));
    return CommandLine.parse(args, Map.of(), 1);
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
