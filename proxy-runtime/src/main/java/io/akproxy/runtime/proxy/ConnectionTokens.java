package io.akproxy.runtime.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header names a {@code Connection} header lists (RFC 9110 section 7.6.1): they are hop-by-hop
 * and must not be forwarded. {@code close}, {@code keep-alive} and {@code upgrade} are the common
 * values and name nothing else, so most messages cost no allocation here.
 */
final class ConnectionTokens {

  private static final CharSequence CONNECTION = HttpHeaders.CONNECTION;

  private ConnectionTokens() {}

  static List<String> of(MultiMap headers) {
    if (headers.get(CONNECTION) == null) {
      return List.of();
    }
    List<String> values = headers.getAll(CONNECTION);
    List<String> tokens = null;
    for (String value : values) {
      for (String raw : value.split(",")) {
        String token = raw.trim().toLowerCase(Locale.ROOT);
        if (token.isEmpty()
            || token.equals("close")
            || token.equals("keep-alive")
            || token.equals("upgrade")) {
          continue;
        }
        if (tokens == null) {
          tokens = new ArrayList<>(2);
        }
        tokens.add(token);
      }
    }
    return tokens == null ? List.of() : tokens;
  }
}
