package io.akproxy.runtime.proxy;

import io.akproxy.runtime.admin.Metrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * The HTTPS listener's request handler: request-head guards, then a WebSocket tunnel or a plain
 * forward to authentik, all from the one snapshot the request started with.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {

  private static final String SCHEME = "https";

  private final SnapshotSource snapshots;
  private final Traffic traffic;
  private final Forwarder forwarder = new Forwarder(SCHEME);
  private final WebSocketTunnel tunnel = new WebSocketTunnel(SCHEME);

  public ProxyHandler(SnapshotSource snapshots, Traffic traffic) {
    this.snapshots = snapshots;
    this.traffic = traffic;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Snapshot snapshot = snapshots.current();
    Exchange exchange = Exchange.begin(request, snapshot, Metrics.Listener.HTTPS, traffic);
    Rejection rejection = snapshot.check(request);
    if (rejection == null && request.authority() == null) {
      rejection = LocalResponses.MISSING_HOST;
    }
    if (rejection != null) {
      LocalResponses.send(request, snapshot.hsts(), rejection);
      return;
    }
    if (WebSocketTunnel.isUpgrade(request)) {
      tunnel.open(exchange);
    } else {
      forwarder.forward(exchange);
    }
  }

  /**
   * For requests the HTTP decoder rejected (too long a line or headers, malformed): the same status
   * Vert.x would send, plus HSTS, and counted like any other answer.
   */
  public Handler<HttpServerRequest> invalidRequestHandler() {
    return request -> {
      Snapshot snapshot = snapshots.current();
      Exchange.begin(request, snapshot, Metrics.Listener.HTTPS, traffic);
      LocalResponses.send(request, snapshot.hsts(), InvalidRequests.rejection(request));
    };
  }
}
