package io.akproxy.runtime.admin;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The admin listener (never exposed by the Service): {@code /healthz} (the process runs), {@code
 * /readyz} (serving a valid configuration), {@code /metrics} and {@code /status}.
 */
public final class AdminHandler implements Handler<HttpServerRequest> {

  private final RuntimeView view;

  public AdminHandler(RuntimeView view) {
    this.view = view;
  }

  @Override
  public void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      text(response.putHeader(HttpHeaders.ALLOW, "GET, HEAD"), 405, "405 Method Not Allowed\n");
      return;
    }
    switch (request.path()) {
      case "/healthz" -> text(response, 200, "ok\n");
      case "/readyz" ->
          text(response, view.ready() ? 200 : 503, view.ready() ? "ready\n" : "not ready\n");
      case "/metrics" ->
          response
              .setStatusCode(200)
              .putHeader(HttpHeaders.CONTENT_TYPE, PrometheusText.CONTENT_TYPE)
              .end(PrometheusText.render(view));
      case "/status" ->
          response
              .setStatusCode(200)
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(StatusDocument.render(view).encode());
      default -> text(response, 404, "404 Not Found\n");
    }
  }

  private static void text(HttpServerResponse response, int status, String body) {
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body);
  }
}
