package io.akproxy.testkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListeningTest {

  private static final String HTTPS =
      "2026-12-05T01:00:00Z INFO listening https on 127.0.0.1:41234\n";
  private static final String HTTP =
      "2026-12-05T01:00:00Z INFO listening http on 127.0.0.1:41235 (redirect to https)\n";
  private static final String ADMIN =
      "2026-12-05T01:00:00Z INFO listening admin on 127.0.0.1:41236\n";

  @Test
  void readsTheBoundPortsOnceTheAdminLineIsComplete() {
    String before = "2026-12-05T01:00:00Z INFO tls engine openssl (BoringSSL)\n";

    assertThat(Listening.in(before + HTTPS + HTTP)).isEmpty();
    // The process is halfway through writing the admin line: its port may be cut short.
    assertThat(Listening.in(before + HTTPS + HTTP + ADMIN.substring(0, ADMIN.length() - 3)))
        .isEmpty();
    assertThat(Listening.in(before + HTTPS + HTTP + ADMIN + "2026-12-05T01:00:01Z INFO serving"))
        .contains(new Listening("127.0.0.1", 41234, OptionalInt.of(41235), 41236));
  }

  @Test
  void theHttpListenerIsOptionalAndAnIpv6AddressKeepsItsColons() {
    Listening listening =
        Listening.in(
                "x INFO listening https on ::1:8443\n" + "x INFO listening admin on ::1:9000\n")
            .orElseThrow();

    assertThat(listening).isEqualTo(new Listening("::1", 8443, OptionalInt.empty(), 9000));
    assertThat(listening.adminUri()).isEqualTo(URI.create("http://[::1]:9000"));
  }

  @Test
  void otherLinesMentioningListeningAreNotListeners() {
    assertThat(
            Listening.in(
                "x WARNING upstream stopped listening on 127.0.0.1:9443\n"
                    + "x INFO override --bind-address 127.0.0.1\n"))
        .isEmpty();
  }

  @Test
  void anyPortsAddsTheFlagAndCannotBeCombinedWithAFixedAdminPort() {
    RuntimeImage image = new RuntimeImage(List.of("-Xmx64m"), List.of("--config", "/etc/x.json"));
    RuntimeProcess.Launcher launcher =
        RuntimeProcess.launcher(Path.of("/tmp/proxy-runtime.jar"))
            .image(image)
            .arguments("--config", "/tmp/proxy.json")
            .anyPorts();

    assertThat(launcher.command()).endsWith("--config", "/tmp/proxy.json", "--any-ports");
    assertThatThrownBy(() -> launcher.admin("127.0.0.1", 9000).start())
        .hasMessageContaining("choose one");
  }

  @Test
  void aProcessThatExitsBeforeListeningFailsAtOnceWithItsLog(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("runtime.log");
    Files.writeString(log, "an earlier run\n" + HTTPS + ADMIN);
    RuntimeProcess process =
        RuntimeProcess.launcher(dir.resolve("missing.jar"))
            .image(new RuntimeImage(List.of(), List.of()))
            .anyPorts()
            .log(log)
            .start();

    assertThatThrownBy(() -> process.awaitListening(Duration.ofMinutes(1)))
        .as("an earlier run's lines in the same log are not this process's listeners")
        .hasMessageContaining("the runtime exited with 1 before listening")
        .hasMessageContaining("missing.jar");
    assertThatThrownBy(process::adminUri).hasMessageContaining("not logged its listeners");
  }
}
