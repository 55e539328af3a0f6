package io.akproxy.runtime.proxy;

import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Forwards one plain (non-upgrade) request to authentik and streams the answer back: headers
 * through {@link RequestHeaders} and {@link ResponseHeaders}, bodies with backpressure both ways,
 * HSTS on the response, one {@link Retry} on a new connection when a kept-alive one turns out
 * closed, 502/504 when authentik fails before answering.
 */
final class Forwarder {

  private final String scheme;

  Forwarder(String scheme) {
    this.scheme = scheme;
  }

  void forward(Exchange exchange) {
    HttpServerRequest request = exchange.request();
    request.pause();
    UpstreamClient upstream = exchange.snapshot().upstream();
    long started = System.nanoTime();
    upstream
        .request(request.method(), request.uri())
        .onComplete(connected -> send(exchange, upstream, connected, started));
  }

  private void send(
      Exchange exchange,
      UpstreamClient upstream,
      AsyncResult<HttpClientRequest> connected,
      long started) {
    HttpServerRequest request = exchange.request();
    HttpClientRequest outgoing = ready(exchange, upstream, connected);
    if (outgoing == null) {
      return;
    }
    RequestHeaders.copy(
        request.headers(),
        outgoing.headers(),
        exchange.peer(),
        scheme,
        request.authority().toString());
    ConnectionWatch.Attempt attempt = upstream.sending(outgoing, started);
    RequestBody body = RequestBody.relay(request, outgoing);
    outgoing
        .response()
        .onComplete(
            answered -> {
              if (answered.failed()
                  && !request.response().closed()
                  && Retry.allowed(
                      request.method(), attempt, body.emptyAndSent(), answered.cause())) {
                exchange.metrics().upstreamRetried();
                retry(exchange, upstream, outgoing.headers(), started);
              } else {
                respond(exchange, upstream, outgoing, answered, started);
              }
            });
  }

  /** The failed attempt goes out again, with the headers it was sent with, on a new connection. */
  private void retry(Exchange exchange, UpstreamClient upstream, MultiMap headers, long started) {
    HttpServerRequest request = exchange.request();
    upstream
        .retryRequest(request.method(), request.uri(), headers)
        .onComplete(
            connected -> {
              HttpClientRequest outgoing = ready(exchange, upstream, connected);
              if (outgoing != null) {
                outgoing
                    .response()
                    .onComplete(
                        answered -> respond(exchange, upstream, outgoing, answered, started));
                outgoing.end();
              }
            });
  }

  /**
   * The request to authentik, set up to follow the client's (its authority, reset when the client
   * leaves), or {@code null} when there is none to send: the connection failed (answered 502), or
   * the client left meanwhile (an HTTP/2 stream reset, as in a rapid-reset flood).
   */
  private static HttpClientRequest ready(
      Exchange exchange, UpstreamClient upstream, AsyncResult<HttpClientRequest> connected) {
    if (connected.failed()) {
      upstream.finished();
      LocalResponses.upstreamFailed(exchange, connected.cause(), false);
      return null;
    }
    HttpClientRequest outgoing = connected.result();
    // Failures arrive through response(); without a handler Vert.x also logs each one as SEVERE
    // with a stack trace, so every client that resets a stream would write to the log.
    outgoing.exceptionHandler(ignored -> {});
    HttpServerRequest request = exchange.request();
    if (request.response().closed()) {
      // Nothing to send, and the client's body can no longer be read.
      outgoing.reset();
      upstream.finished();
      return null;
    }
    outgoing.authority(request.authority());
    exchange.onClientGone(() -> outgoing.reset());
    return outgoing;
  }

  private void respond(
      Exchange exchange,
      UpstreamClient upstream,
      HttpClientRequest outgoing,
      AsyncResult<HttpClientResponse> answered,
      long started) {
    if (answered.failed()) {
      upstream.finished();
      LocalResponses.upstreamFailed(exchange, answered.cause(), true);
      return;
    }
    HttpClientResponse incoming = answered.result();
    // A reset (the client left) echoes on authentik's response as an exception: expected, and
    // without a handler Vert.x logs it as SEVERE, once per reset stream.
    incoming.exceptionHandler(ignored -> {});
    exchange.upstreamResponded(System.nanoTime() - started);
    HttpServerRequest request = exchange.request();
    HttpServerResponse response = request.response();
    if (response.closed()) {
      // Before authentik's answer ended: resetting cannot touch a connection handed on.
      outgoing.reset();
      upstream.finished();
      return;
    }
    int status = incoming.statusCode();
    response.setStatusCode(status);
    ResponseHeaders.copy(incoming.headers(), response.headers());
    exchange.snapshot().hsts().apply(response);
    ResponseBody.relay(
        exchange,
        incoming,
        response,
        outgoing,
        !hasNoBody(request.method(), status),
        upstream::finished);
  }

  /** Responses that never carry a body (RFC 9110 section 6.4.1). */
  static boolean hasNoBody(HttpMethod method, int status) {
    return method == HttpMethod.HEAD || status == 204 || status == 304 || status < 200;
  }
}
