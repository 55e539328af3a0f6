package io.akproxy.runtime.log;

import java.time.Instant;

/**
 * One request as a JSON line. Deliberately without query strings (authentik's token and callback
 * endpoints carry codes and tokens there), cookies, {@code Authorization} or the referrer.
 *
 * @param path the request path without its query
 * @param upstreamMillis time to authentik's response head, or negative when nothing was forwarded
 */
public record AccessLogLine(
    Instant time,
    String listener,
    String peer,
    String method,
    String host,
    String path,
    String protocol,
    int status,
    long bytes,
    double durationMillis,
    double upstreamMillis,
    String userAgent) {

  public String toJson() {
    StringBuilder json = new StringBuilder(256);
    json.append("{\"time\":\"");
    Timestamps.append(json, time);
    json.append('"');
    field(json, "listener", listener);
    field(json, "peer", peer);
    field(json, "method", method);
    field(json, "host", host);
    field(json, "path", path);
    field(json, "protocol", protocol);
    json.append(",\"status\":").append(status);
    json.append(",\"bytes\":").append(bytes);
    json.append(",\"durationMs\":").append(round(durationMillis));
    if (upstreamMillis >= 0) {
      json.append(",\"upstreamMs\":").append(round(upstreamMillis));
    }
    field(json, "userAgent", userAgent);
    return json.append('}').toString();
  }

  private static double round(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }

  private static void field(StringBuilder json, String name, String value) {
    if (value == null) {
      return;
    }
    json.append(",\"").append(name).append("\":\"");
    escape(json, value);
    json.append('"');
  }

  /** JSON string escaping; control characters too, so a header cannot forge a second line. */
  static void escape(StringBuilder json, String value) {
    if (isPlain(value)) {
      json.append(value);
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
  }

  /** Nearly every value needs no escaping; appending it whole is much cheaper. */
  private static boolean isPlain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
