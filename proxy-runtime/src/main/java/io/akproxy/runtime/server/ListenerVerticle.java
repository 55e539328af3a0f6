package io.akproxy.runtime.server;

import io.akproxy.runtime.admin.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * One instance of a listener on one event loop. Several instances on the same port share it, and
 * Vert.x spreads connections across their event loops.
 */
final class ListenerVerticle extends VerticleBase {

  /** What a listener needs besides its options. */
  record Spec(
      String name,
      HttpServerOptions options,
      Handler<HttpServerRequest> requests,
      Handler<HttpServerRequest> invalidRequests,
      Metrics.Listener counted,
      Metrics metrics,
      Consumer<HttpServer> started) {}

  private final Spec spec;
  private final IntSupplier maxConnections;

  /**
   * @param maxConnections the current {@code limits.maxConnections}, read per connection so a
   *     reload changes it
   */
  ListenerVerticle(Spec spec, IntSupplier maxConnections) {
    this.spec = spec;
    this.maxConnections = maxConnections;
  }

  @Override
  public Future<?> start() {
    HttpServer server = vertx.createHttpServer(new HttpServerOptions(spec.options()));
    server.requestHandler(spec.requests());
    if (spec.invalidRequests() != null) {
      server.invalidRequestHandler(spec.invalidRequests());
    }
    if (spec.counted() != null) {
      server.connectionHandler(this::connected);
    }
    return server.listen().onSuccess(spec.started()::accept);
  }

  private void connected(HttpConnection connection) {
    Metrics metrics = spec.metrics();
    Metrics.Listener listener = spec.counted();
    if (metrics.openConnections(listener) >= maxConnections.getAsInt()) {
      // Beyond limits.maxConnections: refuse rather than let one client exhaust the proxy.
      metrics.connectionRefused(listener);
      connection.close();
      return;
    }
    metrics.connectionOpened(listener);
    connection.closeHandler(v -> metrics.connectionClosed(listener));
  }
}
