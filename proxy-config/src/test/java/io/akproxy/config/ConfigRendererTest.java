package io.akproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigRendererTest {

  private static final ProxyConfig CONFIG =
      ProxyConfig.defaults(List.of("sso.example.com"))
          .withForwarding(new Forwarding(List.of("10.0.0.0/8"), true))
          .withUpstream(
              new Upstream(
                  "https://authentik.internal:9443",
                  new Upstream.UpstreamTls(
                      true, "/etc/akproxy/upstream-ca/ca.crt", "authentik.internal"),
                  new Upstream.KeepAlive(10, 60),
                  5,
                  60));

  @Test
  void renderingRoundTrips() {
    assertThat(ConfigParser.parse(CONFIG.render())).isEqualTo(CONFIG);
  }

  @Test
  void renderingIsCanonicalTwoSpaceJsonWithFieldsInContractOrder() {
    String json = CONFIG.render();

    assertThat(json)
        .startsWith("{\n  \"version\": 1,\n  \"serverNames\": [\n    \"sso.example.com\"\n  ],\n");
    assertThat(json).endsWith("}\n").doesNotContain("\r");
    assertThat(json)
        .containsSubsequence(
            "\"version\"",
            "\"serverNames\"",
            "\"listeners\"",
            "\"tls\"",
            "\"upstream\"",
            "\"pathPrefix\"",
            "\"forwarding\"",
            "\"websocket\"",
            "\"limits\"",
            "\"reload\"",
            "\"shutdown\"",
            "\"accessLog\"");
    // Optional fields are written out as null rather than left out, so every field is visible.
    assertThat(ProxyConfig.defaults(List.of("a.example.com")).render())
        .contains("\"caFile\": null", "\"serverName\": null");
  }

  @Test
  void theRedirectPortAndTheShutdownDelayAreRendered() {
    assertThat(CONFIG.render())
        .contains(
            "\"redirectToHttps\": true,\n      \"redirectPort\": 443\n",
            "\"shutdown\": {\n    \"delaySeconds\": 10,\n    \"gracePeriodSeconds\": 25\n");
  }

  @Test
  void equalConfigurationsHashEqualAndAnyChangeChangesTheHash() {
    ProxyConfig same = ConfigParser.parse(CONFIG.render());

    assertThat(same.hash()).isEqualTo(CONFIG.hash()).matches("sha256:[0-9a-f]{64}");
    assertThat(CONFIG.withPathPrefix("/auth/").hash()).isNotEqualTo(CONFIG.hash());
    assertThat(CONFIG.withForwarding(new Forwarding(List.of("10.0.0.0/16"), true)).hash())
        .isNotEqualTo(CONFIG.hash());
    assertThat(CONFIG.withShutdown(new Shutdown(0, 25)).hash()).isNotEqualTo(CONFIG.hash());
  }

  @Test
  void whitespaceAndKeyOrderInTheSourceDoNotChangeTheHash() {
    ProxyConfig reordered =
        ConfigParser.parse(
            "{ \"pathPrefix\":\"/\",   \"serverNames\":[\"sso.example.com\"], \"version\":1 }");

    assertThat(reordered.hash()).isEqualTo(ProxyConfig.defaults(List.of("sso.example.com")).hash());
  }
}
