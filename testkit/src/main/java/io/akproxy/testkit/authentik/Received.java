package io.akproxy.testkit.authentik;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One request as the stub received it.
 *
 * @param connection which connection it came on (1 for the first one the stub accepted)
 * @param onConnection its place on that connection (1 for the first request)
 * @param method the method, as sent
 * @param target the request target, as sent (path and query)
 * @param version {@code HTTP/1.1} or whatever the request line said
 * @param headers every header line in arrival order, names as sent
 * @param body the body's bytes (empty for a WebSocket upgrade)
 * @param serverName the SNI name the TLS client sent, or null
 */
public record Received(
    int connection,
    int onConnection,
    String method,
    String target,
    String version,
    List<Map.Entry<String, String>> headers,
    byte[] body,
    String serverName) {

  public Received {
    headers = List.copyOf(headers);
  }

  /** The path without the query. */
  public String path() {
    int query = target.indexOf('?');
    return query < 0 ? target : target.substring(0, query);
  }

  /** Every value of the header {@code name} (case-insensitive), in order, or null if absent. */
  public String header(String name) {
    List<String> values = headers(name);
    return values.isEmpty() ? null : String.join(", ", values);
  }

  /** The values of every header line named {@code name} (case-insensitive), in order. */
  public List<String> headers(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return headers.stream()
        .filter(h -> h.getKey().toLowerCase(Locale.ROOT).equals(lower))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** The header names, lower-cased, each once, in order of first appearance. */
  public Set<String> headerNames() {
    Set<String> names = new LinkedHashSet<>();
    headers.forEach(h -> names.add(h.getKey().toLowerCase(Locale.ROOT)));
    return names;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return method + " " + target + " " + version + " (connection " + connection + ")";
  }
}
