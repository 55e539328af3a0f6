package io.akproxy.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's own port: {@code /healthz} (liveness), {@code /readyz} (the informers are synced
 * and healthy; otherwise 503 with the reason) and {@code /metrics} (Prometheus text). Plain JDK
 * server: three read-only endpoints need no framework.
 */
public final class OperatorHttpServer implements AutoCloseable {

  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  /**
   * @param live whether the process should be left running
   * @param notReady why the operator is not reconciling with healthy informers, empty when it is
   * @param metrics the Prometheus exposition of the operator's metrics
   */
  public OperatorHttpServer(
      int port, BooleanSupplier live, Supplier<Optional<String>> notReady, Supplier<String> metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> probe(exchange, live));
    server.createContext("/readyz", exchange -> readiness(exchange, notReady));
    server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS, metrics.get()));
    server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r)));
  }

  public void start() {
    server.start();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static void probe(HttpExchange exchange, BooleanSupplier check) throws IOException {
    boolean ok;
    try {
      ok = check.getAsBoolean();
    } catch (RuntimeException e) {
      ok = false;
    }
    respond(exchange, ok ? 200 : 503, TEXT, ok ? "ok\n" : "not ready\n");
  }

  private static void readiness(HttpExchange exchange, Supplier<Optional<String>> notReady)
      throws IOException {
    Optional<String> problem;
    try {
      problem = notReady.get();
    } catch (RuntimeException e) {
      problem = Optional.of("readiness check failed: " + e.getMessage());
    }
    respond(
        exchange,
        problem.isEmpty() ? 200 : 503,
        TEXT,
        problem.map(p -> "not ready: " + p + "\n").orElse("ok\n"));
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "akproxy-operator-http");
    thread.setDaemon(true);
    return thread;
  }
}
