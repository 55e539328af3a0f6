package io.akproxy.runtime.proxy;

import io.vertx.core.http.HttpServerRequest;

/**
 * A check on a request's head, before anything reaches authentik. Guards run in order; the first
 * rejection answers the request. This is where request-head checks belong (HTTP version, path
 * prefix, and later hardening such as method or header rules).
 */
@FunctionalInterface
public interface RequestGuard {

  /** {@code null} to let the request through, or the answer that ends it here. */
  Rejection check(HttpServerRequest request);
}
