package io.akproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestartOnlySettingsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final ProxyConfig base = ProxyConfig.defaults(List.of("sso.example.com"));

  @Test
  void everyListedPathIsASettingOfTheRenderedTree() throws Exception {
    JsonNode rendered = MAPPER.readTree(base.render());

    for (String path : RestartOnlySettings.PATHS) {
      JsonNode node = rendered;
      for (String name : path.split("\\.")) {
        assertThat(node.has(name)).as("%s exists in the rendered proxy.json", path).isTrue();
        node = node.get(name);
      }
      assertThat(node.isValueNode()).as("%s is a single setting", path).isTrue();
    }
  }

  @Test
  void theProjectionHoldsExactlyTheListedSettingsWithTheirValues() throws Exception {
    JsonNode projection = MAPPER.readTree(base.restartOnly().render());
    JsonNode rendered = MAPPER.readTree(base.render());

    List<String> leaves = new ArrayList<>();
    leaves(projection, "", leaves);
    assertThat(leaves).containsExactlyElementsOf(RestartOnlySettings.PATHS);
    for (String path : leaves) {
      String pointer = "/" + path.replace('.', '/');
      assertThat(projection.at(pointer)).isEqualTo(rendered.at(pointer));
    }
  }

  @Test
  void rendersCompactCanonicalJson() {
    assertThat(base.restartOnly().render())
        .isEqualTo(
            "{\"listeners\":{\"bindAddress\":\"0.0.0.0\",\"https\":{\"port\":8443},"
                + "\"http\":{\"port\":8080,\"redirectToHttps\":true},\"admin\":{\"port\":9000}},"
                + "\"tls\":{\"http2\":true},\"forwarding\":{\"proxyProtocol\":false},"
                + "\"limits\":{\"maxHeaderBytes\":8192,\"maxRequestLineBytes\":8192,"
                + "\"headerTimeoutSeconds\":10,\"idleTimeoutSeconds\":75,"
                + "\"http2MaxConcurrentStreams\":128},"
                + "\"shutdown\":{\"delaySeconds\":10,\"gracePeriodSeconds\":25}}");
  }

  @Test
  void listenerSocketsAlpnDecoderLimitsAndShutdownTimingsNeedARestart() {
    Listeners l = base.listeners();
    ProxyConfig changed =
        base.withListeners(
                new Listeners("127.0.0.1", new Listeners.Https(9443), l.http(), l.admin()))
            .withForwarding(new Forwarding(List.of("10.0.0.0/8"), true))
            .withTls(
                new Tls(
                    Tls.DEFAULT_CERT_FILE,
                    Tls.DEFAULT_KEY_FILE,
                    Tls.TLS_1_3,
                    false,
                    Tls.Hsts.defaults()))
            .withLimits(new Limits(16384, 8192, 10, 75, 10_000, 128))
            .withShutdown(new Shutdown(300, 5));

    assertThat(changed.restartOnly().changedFrom(base.restartOnly()))
        .containsExactly(
            "listeners.bindAddress",
            "listeners.https.port",
            "tls.http2",
            "forwarding.proxyProtocol",
            "limits.maxHeaderBytes",
            "shutdown.delaySeconds",
            "shutdown.gracePeriodSeconds");
    assertThat(changed.restartOnly()).isNotEqualTo(base.restartOnly());
  }

  @Test
  void everythingElseIsLiveAndLeavesTheProjectionAlone() {
    Listeners l = base.listeners();
    ProxyConfig changed =
        base.withServerNames(List.of("auth.example.com"))
            .withListeners(
                new Listeners(
                    l.bindAddress(),
                    l.https(),
                    new Listeners.Http(l.http().port(), true, 30443),
                    l.admin()))
            .withForwarding(new Forwarding(List.of("10.0.0.0/8"), false))
            .withWebsocket(new WebSocketSettings(60, 1024, 1024))
            .withLimits(new Limits(8192, 8192, 10, 75, 50, 128))
            .withPathPrefix("/auth/");

    assertThat(changed.restartOnly().changedFrom(base.restartOnly())).isEmpty();
    assertThat(changed.restartOnly()).isEqualTo(base.restartOnly());
    assertThat(changed.restartOnly().render()).isEqualTo(base.restartOnly().render());
  }

  @Test
  void aPathMissingFromTheRenderingIsAProgrammingError() {
    assertThatThrownBy(() -> RestartOnlySettings.project(MAPPER.valueToTree(Map.of("tls", 1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not a setting of the rendered proxy.json");
  }

  private static void leaves(JsonNode node, String prefix, List<String> out) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      if (field.getValue().isObject()) {
        leaves(field.getValue(), path, out);
      } else {
        out.add(path);
      }
    }
  }
}
