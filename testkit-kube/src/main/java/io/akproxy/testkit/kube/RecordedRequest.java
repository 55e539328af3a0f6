package io.akproxy.testkit.kube;

import java.util.Set;

/**
 * One request the server received, in arrival order.
 *
 * @param sequence its position among all requests since the server started
 * @param method HTTP method
 * @param path the path without the query
 * @param query the raw query, or "" when there is none
 * @param userAgent who sent it
 * @param arrivedNanos {@link System#nanoTime()} on arrival
 */
public record RecordedRequest(
    long sequence, String method, String path, String query, String userAgent, long arrivedNanos) {

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  public boolean isWrite() {
    return WRITES.contains(method);
  }

  public boolean isWatch() {
    return query.contains("watch=true") || query.contains("watch=1");
  }

  /** "METHOD path?query", the form the operator's tests assert on. */
  @Override
  public String toString() {
    return method + " " + path + (query.isEmpty() ? "" : "?" + query);
  }
}
