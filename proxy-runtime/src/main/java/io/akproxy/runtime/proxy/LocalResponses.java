package io.akproxy.runtime.proxy;

import io.akproxy.runtime.admin.Metrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.concurrent.TimeoutException;

/** Answers the proxy gives itself: rejections, redirects and upstream failures, all short. */
final class LocalResponses {

  static final Rejection BAD_GATEWAY =
      Rejection.of(502, "502 Bad Gateway: authentik could not be reached\n");
  static final Rejection GATEWAY_TIMEOUT =
      Rejection.of(504, "504 Gateway Timeout: authentik did not answer in time\n");
  static final Rejection MISSING_HOST = Rejection.of(400, "400 Bad Request: no Host header\n");

  private static final CharSequence TEXT_PLAIN =
      HttpHeaders.createOptimized("text/plain; charset=utf-8");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

  private LocalResponses() {}

  /**
   * Sends a rejection.
   *
   * @param hsts the HSTS header for HTTPS responses, {@code null} on plain HTTP
   */
  static void send(HttpServerRequest request, Hsts hsts, Rejection rejection) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      // Too late for a status: the only honest signal left is to cut the response short.
      response.reset();
      return;
    }
    response.setStatusCode(rejection.status());
    if (hsts != null) {
      hsts.apply(response);
    }
    if (rejection.location() != null) {
      response.putHeader(HttpHeaders.LOCATION, rejection.location());
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN);
    response.putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
    boolean close = rejection.closeConnection() && request.version() != HttpVersion.HTTP_2;
    if (close) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    response
        .end(rejection.body())
        .onComplete(
            done -> {
              if (close) {
                request.connection().close();
              }
            });
  }

  /**
   * Answers a failed exchange with authentik: 504 when it did not answer in time, 502 otherwise.
   */
  static void upstreamFailed(Exchange exchange, Throwable cause, boolean connected) {
    Metrics.UpstreamError kind;
    Rejection answer;
    if (!connected) {
      kind = Metrics.UpstreamError.CONNECT;
      answer = BAD_GATEWAY;
    } else if (cause instanceof TimeoutException) {
      kind = Metrics.UpstreamError.TIMEOUT;
      answer = GATEWAY_TIMEOUT;
    } else {
      kind = Metrics.UpstreamError.RESET;
      answer = BAD_GATEWAY;
    }
    exchange.metrics().upstreamError(kind);
    send(exchange.request(), exchange.snapshot().hsts(), answer);
  }
}
