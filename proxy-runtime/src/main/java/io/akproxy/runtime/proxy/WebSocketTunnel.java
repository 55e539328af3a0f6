package io.akproxy.runtime.proxy;

import io.vertx.core.AsyncResult;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetSocket;

/**
 * Carries a WebSocket ({@code /ws/client/}, {@code /ws/outpost/<uuid>/}) as raw bytes once both
 * sides agreed to upgrade: the upgrade request goes to authentik with {@code Upgrade}, {@code
 * Connection: Upgrade}, the client's {@code Host} and the forwarded headers; authentik's 101 comes
 * back with HSTS; then each direction is relayed with backpressure (a slow reader pauses the
 * writer; {@link TunnelRelay}), and a tunnel silent in both directions for the configured idle time
 * is closed.
 */
final class WebSocketTunnel {

  private final String scheme;

  WebSocketTunnel(String scheme) {
    this.scheme = scheme;
  }

  static boolean isUpgrade(HttpServerRequest request) {
    return request.canUpgradeToWebSocket();
  }

  void open(Exchange exchange) {
    HttpServerRequest request = exchange.request();
    request.pause();
    UpstreamClient upstream = exchange.snapshot().upstream();
    long started = System.nanoTime();
    upstream
        .upgradeRequest(request.method(), request.uri())
        .onComplete(
            connected -> {
              if (connected.failed()) {
                LocalResponses.upstreamFailed(exchange, connected.cause(), false);
                return;
              }
              HttpClientRequest outgoing = connected.result();
              // Its connection closes whenever the tunnel ends; failures before the 101 arrive
              // through connect(). Without a handler Vert.x logs SEVERE for every ended tunnel.
              outgoing.exceptionHandler(ignored -> {});
              outgoing.authority(request.authority());
              RequestHeaders.copy(
                  request.headers(),
                  outgoing.headers(),
                  exchange.peer(),
                  scheme,
                  request.authority().toString());
              outgoing.headers().set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
              outgoing.headers().set(HttpHeaders.UPGRADE, request.getHeader(HttpHeaders.UPGRADE));
              exchange.onClientGone(() -> outgoing.reset());
              outgoing
                  .connect()
                  .onComplete(
                      answered -> answered(exchange, upstream, outgoing, answered, started));
            });
  }

  private void answered(
      Exchange exchange,
      UpstreamClient upstream,
      HttpClientRequest outgoing,
      AsyncResult<HttpClientResponse> answered,
      long started) {
    if (answered.failed()) {
      LocalResponses.upstreamFailed(exchange, answered.cause(), true);
      return;
    }
    HttpClientResponse incoming = answered.result();
    exchange.upstreamResponded(System.nanoTime() - started);
    HttpServerRequest request = exchange.request();
    HttpServerResponse response = request.response();
    ResponseHeaders.copy(incoming.headers(), response.headers());
    exchange.snapshot().hsts().apply(response);
    if (incoming.statusCode() != 101) {
      // authentik declined the upgrade (e.g. 403): pass its answer on as a plain response.
      response.setStatusCode(incoming.statusCode());
      request.resume();
      response.send(incoming);
      return;
    }
    response.headers().set(HttpHeaders.UPGRADE, incoming.getHeader(HttpHeaders.UPGRADE));
    response.headers().set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
    NetSocket toAuthentik = incoming.netSocket();
    HttpConnection authentikConnection = outgoing.connection();
    request
        .toNetSocket()
        .onComplete(
            switched -> {
              if (switched.failed()) {
                toAuthentik.close();
                return;
              }
              exchange.record(101);
              join(exchange, upstream, switched.result(), toAuthentik, authentikConnection);
            });
  }

  private static void join(
      Exchange exchange,
      UpstreamClient upstream,
      NetSocket toClient,
      NetSocket toAuthentik,
      HttpConnection authentikConnection) {
    exchange.metrics().webSocketOpened();
    upstream.tunnelOpened();
    Runnable closed =
        new Runnable() {
          private boolean done;

          @Override
          public void run() {
            if (!done) {
              done = true;
              exchange.metrics().webSocketClosed();
              upstream.tunnelClosed();
            }
          }
        };
    toClient.closeHandler(
        v -> {
          toAuthentik.close();
          closed.run();
        });
    toAuthentik.closeHandler(
        v -> {
          toClient.close();
          closed.run();
        });
    TunnelRelay.connect(
        toClient,
        toClient,
        toAuthentik,
        authentikConnection,
        exchange.snapshot().webSocketIdleMillis());
  }
}
