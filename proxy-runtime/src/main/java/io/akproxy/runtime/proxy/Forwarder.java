package io.akproxy.runtime.proxy;

import io.vertx.core.AsyncResult;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Forwards one plain (non-upgrade) request to authentik and streams the answer back: headers
 * through {@link RequestHeaders} and {@link ResponseHeaders}, bodies with backpressure both ways,
 * HSTS on the response, 502/504 when authentik fails before answering.
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
        .onComplete(
            connected -> {
              if (connected.failed()) {
                upstream.finished();
                LocalResponses.upstreamFailed(exchange, connected.cause(), false);
                return;
              }
              send(exchange, upstream, connected.result(), started);
            });
  }

  private void send(
      Exchange exchange, UpstreamClient upstream, HttpClientRequest outgoing, long started) {
    HttpServerRequest request = exchange.request();
    // Failures arrive through response(); without a handler Vert.x also logs each one as SEVERE
    // with a stack trace, so every client that resets a stream would write to the log.
    outgoing.exceptionHandler(ignored -> {});
    if (request.response().closed()) {
      // The client left while the upstream request was being set up (an HTTP/2 stream reset, as
      // in a rapid-reset flood): nothing to send, and its body can no longer be read.
      outgoing.reset();
      upstream.finished();
      return;
    }
    outgoing.authority(request.authority());
    RequestHeaders.copy(
        request.headers(),
        outgoing.headers(),
        exchange.peer(),
        scheme,
        request.authority().toString());
    upstream.sending(outgoing);
    exchange.onClientGone(() -> outgoing.reset());
    outgoing
        .response()
        .onComplete(answered -> respond(exchange, upstream, outgoing, answered, started));
    RequestBody.relay(request, outgoing);
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
