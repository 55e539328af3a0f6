package io.akproxy.runtime.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.Forwarding;
import io.akproxy.config.Listeners;
import io.akproxy.config.ProxyConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runtime's reading of the contract's restart-only list (RestartOnlySettingsTest has more). */
class ConfigChangesTest {

  private final ProxyConfig base = ProxyConfig.defaults(List.of("sso.example.com"));

  @Test
  void listenerPortsAndProxyProtocolNeedARestartButTheRedirectPortAndCidrsDoNot() {
    ProxyConfig changed =
        base.withListeners(
                new Listeners(
                    "0.0.0.0",
                    new Listeners.Https(9443),
                    new Listeners.Http(8080, true, 30443),
                    base.listeners().admin()))
            .withForwarding(new Forwarding(List.of("10.0.0.0/8"), true));

    assertThat(ConfigChanges.restartRequired(base, changed))
        .containsExactly("listeners.https.port", "forwarding.proxyProtocol");
    assertThat(ConfigChanges.between(base, changed))
        .containsExactly(
            "listeners.https.port",
            "listeners.http.redirectPort",
            "forwarding.trustedProxyCidrs",
            "forwarding.proxyProtocol");
    assertThat(ConfigChanges.restartRequired(base, base)).isEmpty();
  }
}
