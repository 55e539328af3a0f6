package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akproxy.config.ConfigException;
import io.akproxy.config.ConfigParser;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.RestartOnlySettings;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.HstsSpec;
import io.akproxy.operator.api.UpstreamTlsSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which settings of {@code proxy.json} roll the pods: every setting is changed on its own and the
 * pod template compared. The list of restart-only settings is proxy-config's, the same one the
 * runtime reports "restart required" for, so the two sides cannot disagree.
 */
class PodTemplateRollTest {

  private static final String IMAGE = "ghcr.io/akproxy/proxy-runtime:0.1.0";
  private static final String UPSTREAM = "https://authentik-server.authentik.svc.cluster.local:443";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The format's version: not a setting anyone changes. */
  private static final String VERSION = "version";

  @Test
  void exactlyTheRestartOnlySettingsRollThePods() throws Exception {
    AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
    // With includeSubDomains on, preload can be switched on alone and still validate.
    proxy.getSpec().tls.hsts = new HstsSpec();
    proxy.getSpec().tls.hsts.includeSubDomains = true;
    // With a trusted peer, PROXY protocol can be switched on alone and still validate.
    proxy.getSpec().trustedProxyCIDRs = List.of("10.0.0.0/8");
    // With verification on, a CA file can be set alone and still validate.
    proxy.getSpec().upstream.tls = new UpstreamTlsSpec();
    proxy.getSpec().upstream.tls.verify = true;
    ProxyConfig base = ProxyConfigFactory.build(proxy, UPSTREAM);
    String before = template(proxy, base);
    JsonNode tree = MAPPER.readTree(base.render());
    List<String> settings = new ArrayList<>();
    leaves(tree, "", settings);
    assertThat(settings).containsAll(RestartOnlySettings.PATHS);

    for (String setting : settings) {
      if (setting.equals(VERSION)) {
        continue;
      }
      String after = template(proxy, changed(tree, setting));
      if (RestartOnlySettings.PATHS.contains(setting)) {
        assertThat(after)
            .as(setting + " is applied only when the listeners open: the pods roll")
            .isNotEqualTo(before);
      } else {
        assertThat(after)
            .as(setting + " is reloaded live: the pod template stays the same")
            .isEqualTo(before);
      }
    }
  }

  @Test
  void thePodTemplateCarriesProxyConfigsProjectionOfTheRestartOnlySettings() {
    AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
    ProxyConfig config = ProxyConfigFactory.build(proxy, UPSTREAM);
    assertThat(
            ChildrenModel.deployment(proxy, IMAGE, config)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations())
        .containsEntry(ChildrenModel.LISTENER_SETTINGS_ANNOTATION, config.restartOnly().render());
  }

  private static String template(AuthentikProxy proxy, ProxyConfig config) {
    return JSON.asJson(ChildrenModel.deployment(proxy, IMAGE, config).getSpec().getTemplate());
  }

  /** Dotted paths of every value (a list counts as one value). */
  private static void leaves(JsonNode node, String prefix, List<String> into) {
    if (!node.isObject()) {
      into.add(prefix);
      return;
    }
    node.fields()
        .forEachRemaining(
            e ->
                leaves(
                    e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), into));
  }

  /** The configuration with this one setting changed to another valid value. */
  private static ProxyConfig changed(JsonNode tree, String setting) {
    String[] names = setting.split("\\.");
    for (JsonNode candidate : otherValues(at(tree, names))) {
      ObjectNode copy = tree.deepCopy();
      ObjectNode parent = copy;
      for (int i = 0; i < names.length - 1; i++) {
        parent = (ObjectNode) parent.get(names[i]);
      }
      parent.set(names[names.length - 1], candidate);
      try {
        return ConfigParser.parse(copy.toString());
      } catch (ConfigException invalid) {
        // try the next candidate
      }
    }
    return fail("no other valid value found for %s", setting);
  }

  private static JsonNode at(JsonNode tree, String[] names) {
    JsonNode node = tree;
    for (String name : names) {
      node = node.get(name);
    }
    return node;
  }

  /** Values of the same kind as {@code value}, different from it, for the parser to judge. */
  private static List<JsonNode> otherValues(JsonNode value) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    List<JsonNode> candidates = new ArrayList<>();
    if (value.isBoolean()) {
      candidates.add(json.booleanNode(!value.booleanValue()));
    } else if (value.isIntegralNumber()) {
      candidates.add(json.numberNode(value.longValue() + 1));
      candidates.add(json.numberNode(value.longValue() - 1));
    } else if (value.isArray()) {
      for (String element : List.of("192.168.0.0/16", "other.example.com")) {
        ArrayNode array = ((ArrayNode) value).deepCopy();
        array.add(element);
        candidates.add(array);
      }
    } else {
      for (String text :
          List.of(
              "127.0.0.1",
              "TLSv1.2",
              "/other/",
              "/etc/akproxy/upstream-ca/ca.crt",
              "https://other.example.com:9443",
              "other.example.com")) {
        if (!text.equals(value.asText())) {
          candidates.add(json.textNode(text));
        }
      }
    }
    return candidates;
  }
}
