package io.akproxy.testkit.kube;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resource request's path taken apart: {@code /apis/<group>/<version>[/namespaces/<ns>]/<plural>
 * [/<name>[/<subresource>]]} (or {@code /api/v1/...} for the core group), plus its query.
 */
record ApiPath(
    String group,
    String version,
    String namespace,
    String plural,
    String name,
    String subresource,
    Map<String, String> query) {

  /** Null when the path is not a resource path (discovery, /version, /openapi, ...). */
  static ApiPath parse(String path, String rawQuery) {
    Map<String, String> query = query(rawQuery);
    List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    String group;
    String version;
    List<String> rest;
    if (parts.size() >= 3 && parts.get(0).equals("api")) {
      group = "";
      version = parts.get(1);
      rest = parts.subList(2, parts.size());
    } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      version = parts.get(2);
      rest = parts.subList(3, parts.size());
    } else {
      return null;
    }
    String namespace = null;
    boolean namespacesItself =
        group.isEmpty()
            && rest.get(0).equals("namespaces")
            && (rest.size() <= 2
                || (rest.size() == 3
                    && (rest.get(2).equals("status") || rest.get(2).equals("finalize"))));
    if (rest.get(0).equals("namespaces") && rest.size() >= 3 && !namespacesItself) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    if (rest.isEmpty() || rest.size() > 3) {
      return null;
    }
    return new ApiPath(
        group,
        version,
        namespace,
        rest.get(0),
        rest.size() > 1 ? rest.get(1) : null,
        rest.size() > 2 ? rest.get(2) : null,
        query);
  }

  static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      query.put(decode(key), decode(value));
    }
    return query;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  String param(String key) {
    return query.get(key);
  }

  boolean isWatch() {
    String watch = query.get("watch");
    return "true".equals(watch) || "1".equals(watch);
  }

  /** {@code ?dryRun=All}: validate and answer, store nothing. */
  boolean isDryRun() {
    return "All".equals(query.get("dryRun"));
  }

  /** A pod's {@code /log}. */
  boolean isLog() {
    return "log".equals(subresource);
  }

  boolean isStatus() {
    return "status".equals(subresource);
  }
}
