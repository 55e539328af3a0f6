package io.akproxy.runtime.server;

import io.akproxy.config.Limits;
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
import io.vertx.core.net.SocketAddress;
import java.util.function.Consumer;
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
  private final Supplier<ProxyConfig> current;
  private final Limits listeningLimits;

  /**
   * @param current the configuration now in force, read per connection so a reload changes {@code
   *     limits.maxConnections} and the WebSocket limits of new connections
   * @param listeningLimits the request-head limits the listener opened with (a restart changes
   *     them)
   */
  ListenerVerticle(Spec spec, Supplier<ProxyConfig> current, Limits listeningLimits) {
    this.spec = spec;
    this.current = current;
    this.listeningLimits = listeningLimits;
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
    HttpServerOptions options = spec.options();
    // A negative port: a random one shared by every instance with that number (Listeners).
    Future<HttpServer> listening =
        options.getPort() < 0
            ? server.listen(SocketAddress.sharedRandomPort(-options.getPort(), options.getHost()))
            : server.listen();
    return listening
        .recover(failure -> Future.failedFuture(cannotListen(options, failure)))
        .onSuccess(spec.started()::accept);
  }

  /** Names the listener and where it tried, which the transport's bind error does not. */
  private IllegalStateException cannotListen(HttpServerOptions options, Throwable failure) {
    String port = options.getPort() < 0 ? "a free port" : Integer.toString(options.getPort());
    return new IllegalStateException(
        "listeners."
            + spec.name()
            + ".port "
            + port
            + " on "
            + options.getHost()
            + ": "
            + failure.getMessage(),
        failure);
  }

  private void connected(HttpConnection connection) {
    Metrics metrics = spec.metrics();
    Metrics.Listener listener = spec.counted();
    // Beyond limits.maxConnections: refuse rather than let one client exhaust the proxy. The gate
    // answers such a connection's first request with 503 (HTTP/2: GOAWAY) and closes it.
    ProxyConfig config = current.get();
    boolean overCapacity = metrics.openConnections(listener) >= config.limits().maxConnections();
    if (overCapacity) {
      metrics.connectionRefused(listener);
    } else {
      metrics.connectionOpened(listener);
      connection.closeHandler(v -> metrics.connectionClosed(listener));
    }
    Http1Gate.install(connection, listeningLimits, config.websocket(), overCapacity);
  }
}
