package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The runtime's admin /status, as StatusDocument renders it, read by the operator. */
class ServedStateTest {

  static final String APPLIED =
      """
      {"configHash":"sha256:abc","serverNames":["sso.example.com"],
       "certificate":{"serial":"1f","notBefore":"2026-01-01T00:00:00Z",
         "notAfter":"2026-04-01T00:00:00Z","subject":"CN=sso","dnsNames":["sso.example.com"]},
       "lastReload":{"time":"2026-01-01T00:00:00Z","result":"ok","error":null},
       "reloads":{"applied":3,"failed":0},"restartRequired":false,
       "tlsEngine":"jdk","transport":"nio","overrides":{}}
      """;

  @Test
  void readsWhatThePodServesAndHowItsLastReloadWent() {
    ServedState served = ServedState.parse(APPLIED);
    assertThat(served.configHash()).isEqualTo("sha256:abc");
    assertThat(served.certificateSerial()).isEqualTo("1f");
    assertThat(served.lastReloadError()).isEmpty();
    assertThat(served.serves("sha256:abc", "1f")).isTrue();
    assertThat(served.serves("sha256:abc", "20")).isFalse();

    ServedState refused =
        ServedState.parse(
            APPLIED
                .replace("\"result\":\"ok\"", "\"result\":\"failed\"")
                .replace("\"error\":null", "\"error\":\"tls.key: does not match tls.crt\""));
    assertThat(refused.lastReloadError()).isEqualTo(Optional.of("tls.key: does not match tls.crt"));
  }

  @Test
  void somethingElseOnThePortIsAClearError() {
    assertThatThrownBy(() -> ServedState.parse("<html>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> ServedState.parse("{\"configHash\":\"sha256:abc\"}"))
        .hasMessage("/status has no certificate.serial");
  }
}
