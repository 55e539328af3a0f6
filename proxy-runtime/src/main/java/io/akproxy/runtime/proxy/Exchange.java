package io.akproxy.runtime.proxy;

import io.akproxy.runtime.admin.Metrics;
import io.vertx.core.http.HttpServerRequest;

/**
 * One client request from arrival to the end of its response, with what the access log and the
 * metrics record about it. Recorded exactly once: when the response ends, when the client goes away
 * first (status 499, as nginx logs it), or when a WebSocket tunnel opens (101).
 */
final class Exchange {

  static final int CLIENT_CLOSED = 499;

  private final HttpServerRequest request;
  private final Snapshot snapshot;
  private final Metrics.Listener listener;
  private final Traffic traffic;
  private final Peer peer;
  private final long startNanos;
  private long upstreamNanos = -1;
  private Runnable onClientGone;
  private boolean recorded;

  private Exchange(
      HttpServerRequest request, Snapshot snapshot, Metrics.Listener listener, Traffic traffic) {
    this.request = request;
    this.snapshot = snapshot;
    this.listener = listener;
    this.traffic = traffic;
    this.startNanos = System.nanoTime();
    this.peer = PeerResolver.resolve(request.connection(), snapshot.trustedProxies());
  }

  static Exchange begin(
      HttpServerRequest request, Snapshot snapshot, Metrics.Listener listener, Traffic traffic) {
    Exchange exchange = new Exchange(request, snapshot, listener, traffic);
    request.response().endHandler(v -> exchange.record(request.response().getStatusCode()));
    request.response().closeHandler(v -> exchange.clientGone());
    return exchange;
  }

  /**
   * The response's stream or connection closed. HTTP/2 closes the stream after every response, so
   * this is only the client leaving when the response had not ended.
   */
  private void clientGone() {
    if (request.response().ended()) {
      record(request.response().getStatusCode());
      return;
    }
    if (onClientGone != null) {
      onClientGone.run();
    }
    record(CLIENT_CLOSED);
  }

  /** What to abort (the upstream request) if the client leaves before the response ends. */
  void onClientGone(Runnable action) {
    this.onClientGone = action;
  }

  void upstreamResponded(long nanos) {
    upstreamNanos = nanos;
    traffic.metrics().upstreamLatency(nanos);
  }

  void record(int status) {
    if (recorded) {
      return;
    }
    recorded = true;
    onClientGone = null;
    traffic.record(this, status);
  }

  HttpServerRequest request() {
    return request;
  }

  Snapshot snapshot() {
    return snapshot;
  }

  Metrics.Listener listener() {
    return listener;
  }

  Peer peer() {
    return peer;
  }

  long startNanos() {
    return startNanos;
  }

  long upstreamNanos() {
    return upstreamNanos;
  }

  Metrics metrics() {
    return traffic.metrics();
  }
}
