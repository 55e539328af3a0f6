package io.akproxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which settings differ between two configurations, by the JSON path of their rendering, e.g.
 * {@code upstream.url}. Paths only, never values, so a log line can say what changed without saying
 * to what. A list (such as {@code serverNames}) counts as one setting.
 */
public final class ConfigDiff {

  private ConfigDiff() {}

  /** Every leaf path whose value differs, in rendering order. */
  public static List<String> between(ProxyConfig before, ProxyConfig after) {
    return between(ConfigRenderer.tree(before), ConfigRenderer.tree(after));
  }

  static List<String> between(JsonNode before, JsonNode after) {
    List<String> changed = new ArrayList<>();
    diff("", before, after, changed);
    return changed;
  }

  private static void diff(String prefix, JsonNode before, JsonNode after, List<String> out) {
    for (String name : fieldNames(before, after)) {
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      JsonNode a = before.get(name);
      JsonNode b = after.get(name);
      if (a != null && b != null && a.isObject() && b.isObject()) {
        diff(path, a, b, out);
      } else if (!Objects.equals(a, b)) {
        out.add(path);
      }
    }
  }

  private static Set<String> fieldNames(JsonNode before, JsonNode after) {
    Set<String> names = new LinkedHashSet<>();
    for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    for (Iterator<String> it = after.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
