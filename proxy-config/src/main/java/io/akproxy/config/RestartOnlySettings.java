package io.akproxy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The settings a runtime can only apply when its listeners open: the sockets (address, ports,
 * whether the HTTP listener exists, PROXY-protocol framing), the ALPN list and the HTTP decoders'
 * limits; and the shutdown timings, because the pod's {@code terminationGracePeriodSeconds} (when
 * the kubelet kills it) is computed from them when the pod is made, so a running process that took
 * a longer delay live would be killed in the middle of it. Everything else in {@code proxy.json} is
 * reloaded live.
 *
 * <p>Listed here once, for both sides: the runtime reports a change to one of these as "restart
 * required" ({@link #changedFrom}), and the operator puts {@link #render()} into the pod template
 * (annotation {@code akproxy.io/listener-settings}), so changing one of them rolls the pods and
 * changing anything else does not.
 *
 * <pre>{@code
 * String annotation = config.restartOnly().render();
 * // {"listeners":{"bindAddress":"0.0.0.0","https":{"port":8443},...},"tls":{"http2":true},...}
 * }</pre>
 */
public final class RestartOnlySettings {

  /** Leaf paths in the rendered {@code proxy.json}, in rendering order. */
  public static final List<String> PATHS =
      List.of(
          "listeners.bindAddress",
          "listeners.https.port",
          "listeners.http.port",
          "listeners.http.redirectToHttps",
          "listeners.admin.port",
          "tls.http2",
          "forwarding.proxyProtocol",
          "limits.maxHeaderBytes",
          "limits.maxRequestLineBytes",
          "limits.headerTimeoutSeconds",
          "limits.idleTimeoutSeconds",
          "limits.http2MaxConcurrentStreams",
          "shutdown.delaySeconds",
          "shutdown.gracePeriodSeconds");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ObjectNode tree;
  private final String json;

  private RestartOnlySettings(ObjectNode tree) {
    this.tree = tree;
    try {
      this.json = MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serialises", e);
    }
  }

  static RestartOnlySettings of(ProxyConfig config) {
    return new RestartOnlySettings(project(ConfigRenderer.tree(config)));
  }

  /** The {@link #PATHS} of a rendered configuration, and nothing else. */
  static ObjectNode project(JsonNode rendered) {
    ObjectNode projection = JsonNodeFactory.instance.objectNode();
    for (String path : PATHS) {
      String[] names = path.split("\\.");
      JsonNode from = rendered;
      ObjectNode to = projection;
      for (int i = 0; i < names.length - 1; i++) {
        from = from.path(names[i]);
        to = to.has(names[i]) ? (ObjectNode) to.get(names[i]) : to.putObject(names[i]);
      }
      JsonNode leaf = from.get(names[names.length - 1]);
      if (leaf == null || leaf.isContainerNode()) {
        throw new IllegalStateException(path + " is not a setting of the rendered proxy.json");
      }
      to.set(names[names.length - 1], leaf.deepCopy());
    }
    return projection;
  }

  /**
   * Canonical compact JSON of just these settings (fields in {@link #PATHS} order, no spaces):
   * equal settings render byte for byte equal, so the text can sit in a pod template.
   */
  public String render() {
    return json;
  }

  /** The paths whose values differ from {@code before}'s: a runtime must restart to apply them. */
  public List<String> changedFrom(RestartOnlySettings before) {
    return ConfigDiff.between(before.tree, tree);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RestartOnlySettings that && json.equals(that.json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return json;
  }
}
