package io.akproxy.runtime.server;

import io.akproxy.config.ProxyConfig;
import io.akproxy.runtime.admin.Metrics;
import io.akproxy.runtime.wire.Http1Gate;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

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
  private final Supplier<ProxyConfig> gateConfig;

  /**
   * @param maxConnections the current {@code limits.maxConnections}, read per connection so a
   *     reload changes it
   * @param gateConfig the limits and WebSocket settings for each new connection's {@link Http1Gate}
   */
  ListenerVerticle(Spec spec, IntSupplier maxConnections, Supplier<ProxyConfig> gateConfig) {
    this.spec = spec;
    this.maxConnections = maxConnections;
    this.gateConfig = gateConfig;
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
    // Beyond limits.maxConnections: refuse rather than let one client exhaust the proxy. The gate
    // answers such a connection's first request with 503 (HTTP/2: GOAWAY) and closes it.
    boolean overCapacity = metrics.openConnections(listener) >= maxConnections.getAsInt();
    if (overCapacity) {
      metrics.connectionRefused(listener);
    } else {
      metrics.connectionOpened(listener);
      connection.closeHandler(v -> metrics.connectionClosed(listener));
    }
    Http1Gate.install(connection, gateConfig.get(), overCapacity);
  }
}
