package io.akproxy.runtime.proxy;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * Copies authentik's response headers to the client without the hop-by-hop ones: HTTP/2 clients
 * treat a {@code Connection} or {@code Keep-Alive} header as a protocol error, and the client
 * connection's framing is the proxy's business. {@code Strict-Transport-Security} is the proxy's
 * too (see {@link Hsts}).
 */
public final class ResponseHeaders {

  private ResponseHeaders() {}

  public static void copy(MultiMap upstream, MultiMap client) {
    List<String> listed = ConnectionTokens.of(upstream);
    for (var header : upstream) {
      String name = header.getKey();
      if (HeaderNames.isHopByHop(name)
          || HeaderNames.is(name, Hsts.HEADER)
          || (!listed.isEmpty() && HeaderNames.isListed(name, listed))) {
        continue;
      }
      client.add(name, header.getValue());
    }
  }
}
