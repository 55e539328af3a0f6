package io.akproxy.runtime.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.Forwarding;
import io.akproxy.config.Listeners;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Upstream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {

  private final ProxyConfig base = ProxyConfig.defaults(List.of("sso.example.com"));

  @Test
  void listsChangedLeavesByPath() {
    ProxyConfig changed =
        base.withUpstream(
                new Upstream(
                    "https://authentik.internal:9443",
                    base.upstream().tls(),
                    base.upstream().keepAlive(),
                    5,
                    30))
            .withForwarding(new Forwarding(List.of("10.0.0.0/8"), false))
            .withServerNames(List.of("sso.example.com", "auth.example.com"));
    assertThat(ConfigChanges.between(base, changed))
        .containsExactlyInAnyOrder(
            "serverNames",
            "upstream.url",
            "upstream.responseTimeoutSeconds",
            "forwarding.trustedProxyCidrs");
    assertThat(ConfigChanges.restartRequired(base, changed)).isEmpty();
  }

  @Test
  void listenerPortsAndProxyProtocolNeedARestartButTheRedirectPortDoesNot() {
    ProxyConfig changed =
        base.withListeners(
                new Listeners(
                    "0.0.0.0",
                    new Listeners.Https(9443),
                    new Listeners.Http(8080, true, 30443),
                    base.listeners().admin()))
            .withForwarding(new Forwarding(List.of("10.0.0.0/8"), true));
    assertThat(ConfigChanges.restartRequired(base, changed))
        .containsExactlyInAnyOrder("listeners.https.port", "forwarding.proxyProtocol");
    assertThat(ConfigChanges.restartRequired(base, base)).isEmpty();
  }
}
