package io.akproxy.runtime.proxy;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Refuses HTTP/1.0: authentik needs WebSockets and {@code Host}, which HTTP/1.0 proxies and clients
 * cannot be relied on for (authentik's reverse-proxy documentation), so nothing is forwarded.
 */
public final class Http10Refusal implements RequestGuard {

  static final Rejection REFUSED =
      new Rejection(505, "505 HTTP Version Not Supported: use HTTP/1.1 or HTTP/2\n", null, true);

  @Override
  public Rejection check(HttpServerRequest request) {
    return request.version() == HttpVersion.HTTP_1_0 ? REFUSED : null;
  }
}
