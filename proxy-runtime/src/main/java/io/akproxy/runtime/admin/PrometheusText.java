package io.akproxy.runtime.admin;

import io.akproxy.runtime.load.CertificateInfo;
import io.akproxy.runtime.reload.ReloadStatus;

/** The Prometheus text exposition (version 0.0.4) of the runtime's metrics. */
public final class PrometheusText {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  public static String render(RuntimeView view) {
    Metrics m = view.metrics();
    ReloadStatus reload = view.reloadStatus();
    StringBuilder out = new StringBuilder(4096);

    header(
        out,
        "akproxy_requests_total",
        "counter",
        "Requests answered, by listener and status class.");
    for (Metrics.Listener listener : Metrics.Listener.values()) {
      for (int statusClass = 1; statusClass <= 5; statusClass++) {
        out.append("akproxy_requests_total{listener=\"")
            .append(listener.label)
            .append("\",class=\"")
            .append(statusClass)
            .append("xx\"} ")
            .append(m.requests(listener, statusClass))
            .append('\n');
      }
    }

    header(
        out,
        "akproxy_upstream_latency_seconds",
        "histogram",
        "Time from forwarding a request to authentik's response head.");
    long cumulative = 0;
    for (int i = 0; i <= Metrics.LATENCY_BUCKETS.length; i++) {
      cumulative += m.latencyBucket(i);
      String le = i < Metrics.LATENCY_BUCKETS.length ? number(Metrics.LATENCY_BUCKETS[i]) : "+Inf";
      out.append("akproxy_upstream_latency_seconds_bucket{le=\"")
          .append(le)
          .append("\"} ")
          .append(cumulative)
          .append('\n');
    }
    out.append("akproxy_upstream_latency_seconds_sum ")
        .append(number(m.latencySumNanos() / 1e9))
        .append('\n');
    out.append("akproxy_upstream_latency_seconds_count ").append(cumulative).append('\n');

    header(out, "akproxy_open_connections", "gauge", "Client connections open now.");
    for (Metrics.Listener listener : Metrics.Listener.values()) {
      labelled(
          out, "akproxy_open_connections", "listener", listener.label, m.openConnections(listener));
    }
    header(
        out,
        "akproxy_refused_connections_total",
        "counter",
        "Client connections refused beyond limits.maxConnections.");
    for (Metrics.Listener listener : Metrics.Listener.values()) {
      labelled(
          out,
          "akproxy_refused_connections_total",
          "listener",
          listener.label,
          m.refusedConnections(listener));
    }

    header(out, "akproxy_websocket_sessions", "gauge", "WebSocket tunnels open now.");
    out.append("akproxy_websocket_sessions ").append(m.webSocketSessions()).append('\n');
    header(out, "akproxy_websocket_sessions_total", "counter", "WebSocket tunnels opened.");
    out.append("akproxy_websocket_sessions_total ").append(m.webSocketSessionsTotal()).append('\n');

    header(
        out,
        "akproxy_upstream_errors_total",
        "counter",
        "Failed exchanges with authentik: connect (no connection), timeout (no answer in time),"
            + " reset (connection broke).");
    for (Metrics.UpstreamError error : Metrics.UpstreamError.values()) {
      labelled(out, "akproxy_upstream_errors_total", "kind", error.label, m.upstreamErrors(error));
    }
    header(
        out,
        "akproxy_upstream_retries_total",
        "counter",
        "Idempotent requests sent again on a new connection after a kept-alive one failed before"
            + " any answer (authentik had closed it).");
    out.append("akproxy_upstream_retries_total ").append(m.upstreamRetries()).append('\n');

    header(out, "akproxy_reloads_total", "counter", "Reloads of the mounted files, by result.");
    labelled(out, "akproxy_reloads_total", "result", "applied", reload.applied());
    labelled(out, "akproxy_reloads_total", "result", "failed", reload.failed());
    header(
        out,
        "akproxy_last_reload_success",
        "gauge",
        "1 when the last reload was applied, 0 when it was rejected.");
    out.append("akproxy_last_reload_success ").append(reload.lastReloadOk() ? 1 : 0).append('\n');
    header(
        out,
        "akproxy_last_reload_timestamp_seconds",
        "gauge",
        "When the last reload attempt finished.");
    out.append("akproxy_last_reload_timestamp_seconds ")
        .append(reload.lastReloadTime().getEpochSecond())
        .append('\n');
    header(
        out,
        "akproxy_restart_required",
        "gauge",
        "1 when the loaded configuration changed a setting only a restart applies.");
    out.append("akproxy_restart_required ").append(reload.restartRequired() ? 1 : 0).append('\n');

    header(out, "akproxy_config_info", "gauge", "The configuration being served, by hash.");
    labelled(out, "akproxy_config_info", "hash", view.snapshot().loaded().configHash(), 1);
    CertificateInfo certificate = view.snapshot().loaded().certificate().info();
    header(
        out,
        "akproxy_certificate_not_after_seconds",
        "gauge",
        "Expiry of the served certificate, unix seconds.");
    out.append("akproxy_certificate_not_after_seconds ")
        .append(certificate.notAfter().getEpochSecond())
        .append('\n');
    header(out, "akproxy_tls_engine_info", "gauge", "The TLS implementation in use.");
    labelled(out, "akproxy_tls_engine_info", "engine", view.tlsEngine(), 1);
    header(
        out,
        "akproxy_transport_info",
        "gauge",
        "The network transport in use: epoll, or nio when the native library cannot load.");
    labelled(out, "akproxy_transport_info", "transport", view.transport(), 1);
    header(out, "akproxy_ready", "gauge", "1 while serving a valid configuration.");
    out.append("akproxy_ready ").append(view.ready() ? 1 : 0).append('\n');
    header(
        out,
        "akproxy_access_log_dropped_total",
        "counter",
        "Access-log lines dropped because stdout could not keep up.");
    out.append("akproxy_access_log_dropped_total ").append(m.accessLogDroppedLines()).append('\n');
    return out.toString();
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void labelled(
      StringBuilder out, String name, String label, String value, long sample) {
    out.append(name).append('{').append(label).append("=\"");
    escape(out, value);
    out.append("\"} ").append(sample).append('\n');
  }

  private static void escape(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  private static String number(double value) {
    if (value == Math.rint(value) && !Double.isInfinite(value)) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
