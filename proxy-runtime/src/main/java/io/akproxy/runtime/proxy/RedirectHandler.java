package io.akproxy.runtime.proxy;

import io.akproxy.runtime.admin.Metrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The plain-HTTP listener: {@code 301} to HTTPS for everything (the seed's port 80 server),
 * HTTP/1.0 included as nginx does: nothing is forwarded here, and old health checkers speak
 * HTTP/1.0. Plain HTTP never reaches authentik.
 */
public final class RedirectHandler implements Handler<HttpServerRequest> {

  static final Rejection UNKNOWN_HOST =
      Rejection.of(400, "400 Bad Request: unknown host and no concrete server name\n");

  private final SnapshotSource snapshots;
  private final Traffic traffic;

  public RedirectHandler(SnapshotSource snapshots, Traffic traffic) {
    this.snapshots = snapshots;
    this.traffic = traffic;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Snapshot snapshot = snapshots.current();
    Exchange.begin(request, snapshot, Metrics.Listener.HTTP, traffic);
    String target = snapshot.redirect().target(request.getHeader(HttpHeaders.HOST), request.uri());
    LocalResponses.send(
        request, null, target == null ? UNKNOWN_HOST : Rejection.redirect(301, target));
  }

  public Handler<HttpServerRequest> invalidRequestHandler() {
    return request -> {
      Exchange.begin(request, snapshots.current(), Metrics.Listener.HTTP, traffic);
      LocalResponses.send(request, null, InvalidRequests.rejection(request));
    };
  }
}
