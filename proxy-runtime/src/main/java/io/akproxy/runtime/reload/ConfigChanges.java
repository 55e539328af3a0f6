package io.akproxy.runtime.reload;

import io.akproxy.config.ProxyConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which settings a new configuration changes, by JSON path, and which of those only a restart can
 * apply. Paths only, never values: the log says what changed, not to what.
 */
public final class ConfigChanges {

  /**
   * Settings fixed when a listener opens: the socket (address, ports, PROXY protocol framing), the
   * ALPN list, and the HTTP decoder's limits.
   */
  static final List<String> RESTART_ONLY =
      List.of(
          "listeners",
          "forwarding.proxyProtocol",
          "tls.http2",
          "limits.maxHeaderBytes",
          "limits.maxRequestLineBytes",
          "limits.headerTimeoutSeconds",
          "limits.idleTimeoutSeconds",
          "limits.http2MaxConcurrentStreams");

  private ConfigChanges() {}

  /** Every leaf path whose value differs, e.g. {@code upstream.url}, {@code serverNames}. */
  public static List<String> between(ProxyConfig before, ProxyConfig after) {
    List<String> changed = new ArrayList<>();
    diff("", new JsonObject(before.render()), new JsonObject(after.render()), changed);
    return changed;
  }

  /**
   * The changes between the configuration the listeners were opened with and a new one that a
   * reload cannot apply.
   */
  public static List<String> restartRequired(ProxyConfig listening, ProxyConfig after) {
    List<String> required = new ArrayList<>();
    for (String path : between(listening, after)) {
      for (String fixed : RESTART_ONLY) {
        if (path.equals(fixed) || path.startsWith(fixed + ".")) {
          required.add(path);
          break;
        }
      }
    }
    return required;
  }

  private static void diff(String prefix, JsonObject before, JsonObject after, List<String> out) {
    for (String name : union(before, after)) {
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      Object a = before.getValue(name);
      Object b = after.getValue(name);
      if (a instanceof JsonObject objectA && b instanceof JsonObject objectB) {
        diff(path, objectA, objectB, out);
      } else if (a instanceof JsonArray || b instanceof JsonArray) {
        if (!Objects.equals(a, b)) {
          out.add(path);
        }
      } else if (!Objects.equals(a, b)) {
        out.add(path);
      }
    }
  }

  private static List<String> union(JsonObject before, JsonObject after) {
    List<String> names = new ArrayList<>(before.fieldNames());
    for (String name : after.fieldNames()) {
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }
}
