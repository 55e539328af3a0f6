package io.akproxy.runtime.proxy;

import io.akproxy.runtime.admin.Metrics;
import io.akproxy.runtime.log.AccessLog;
import io.akproxy.runtime.log.AccessLogLine;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.time.Instant;

/** Where finished exchanges are counted and logged. */
public final class Traffic {

  private final Metrics metrics;
  private final AccessLog accessLog;

  /**
   * @param accessLog where access-log lines go, or {@code null} for none
   */
  public Traffic(Metrics metrics, AccessLog accessLog) {
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  public Metrics metrics() {
    return metrics;
  }

  void record(Exchange exchange, int status) {
    metrics.request(exchange.listener(), status);
    if (accessLog != null && exchange.snapshot().accessLog()) {
      HttpServerRequest request = exchange.request();
      long now = System.nanoTime();
      accessLog.log(
          new AccessLogLine(
              Instant.now(),
              exchange.listener().name().toLowerCase(java.util.Locale.ROOT),
              exchange.peer().address(),
              request.method().name(),
              request.authority() == null ? null : request.authority().toString(),
              request.path(),
              protocol(request.version()),
              status,
              request.response().bytesWritten(),
              (now - exchange.startNanos()) / 1e6,
              exchange.upstreamNanos() < 0 ? -1 : exchange.upstreamNanos() / 1e6,
              request.getHeader("user-agent")));
    }
  }

  private static String protocol(HttpVersion version) {
    return switch (version) {
      case HTTP_2 -> "HTTP/2";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_1_0 -> "HTTP/1.0";
      // Never negotiated: the listeners offer h2 and http/1.1 only.
      case HTTP_3 -> "HTTP/3";
    };
  }
}
