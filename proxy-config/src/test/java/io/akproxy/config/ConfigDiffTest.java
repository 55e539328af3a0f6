package io.akproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {

  private final ProxyConfig base = ProxyConfig.defaults(List.of("sso.example.com"));

  @Test
  void listsChangedLeavesByPathInRenderingOrder() {
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

    assertThat(ConfigDiff.between(base, changed))
        .containsExactly(
            "serverNames",
            "upstream.url",
            "upstream.responseTimeoutSeconds",
            "forwarding.trustedProxyCidrs");
  }

  @Test
  void equalConfigurationsHaveNoChanges() {
    assertThat(ConfigDiff.between(base, ConfigParser.parse(base.render()))).isEmpty();
  }

  @Test
  void aValueTurningNullIsAChange() {
    ProxyConfig verified =
        base.withUpstream(
            new Upstream(
                base.upstream().url(),
                new Upstream.UpstreamTls(true, "/etc/akproxy/upstream-ca/ca.crt", null),
                base.upstream().keepAlive(),
                5,
                60));

    assertThat(ConfigDiff.between(verified, base))
        .containsExactly("upstream.tls.verify", "upstream.tls.caFile");
  }
}
