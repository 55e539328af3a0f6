package io.akproxy.testkit.authentik;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON the stub answers with: what it received, so a client (or curl) can see it. */
final class EchoJson {

  private EchoJson() {}

  /**
   * {@code {"method":..,"path":..,"version":..,"connection":n,"request":n,
   * "headers":{"name":["value",..]},"bodyBytes":n}}, header names lower-cased.
   */
  static String of(Received request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : request.headers()) {
      headers
          .computeIfAbsent(
              header.getKey().toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
          .add(header.getValue());
    }
    StringBuilder json = new StringBuilder(256).append("{\"method\":");
    quote(json, request.method()).append(",\"path\":");
    quote(json, request.target()).append(",\"version\":");
    quote(json, request.version())
        .append(",\"connection\":")
        .append(request.connection())
        .append(",\"request\":")
        .append(request.onConnection())
        .append(",\"headers\":{");
    boolean first = true;
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      quote(json, header.getKey()).append(":[");
      for (int i = 0; i < header.getValue().size(); i++) {
        if (i > 0) {
          json.append(',');
        }
        quote(json, header.getValue().get(i));
      }
      json.append(']');
    }
    return json.append("},\"bodyBytes\":").append(request.body().length).append('}').toString();
  }

  private static StringBuilder quote(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"');
  }
}
