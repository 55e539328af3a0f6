package io.akproxy.runtime.hardening;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * authentik's stand-in for the hostile-client tests, counting what reaches it as early as it can:
 * connections as they open and requests as soon as their head arrives (not when their body ends),
 * so "nothing reached the upstream" means not even a head.
 *
 * <ul>
 *   <li>{@code /ws/echo/}: WebSocket echo, recording every frame's size
 *   <li>{@code /ws/sink/}: WebSocket that never reads, counting what it would have
 *   <li>{@code /ws/big/?bytes=N}: WebSocket that sends one binary frame of N bytes
 *   <li>{@code /big?mib=N}: N MiB of body, written only as fast as the proxy takes it
 *   <li>{@code /slow?ms=N}: answers after N ms
 *   <li>anything else: 200 {@code ok}
 * </ul>
 */
final class CountingUpstream implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentLinkedQueue<HttpServerRequest> requests = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Integer> frames = new ConcurrentLinkedQueue<>();
  private final AtomicLong bigWritten = new AtomicLong();
  private final AtomicLong sinkPending = new AtomicLong();
  private volatile ServerWebSocket sink;
  private final HttpServer server;

  CountingUpstream() throws Exception {
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .connectionHandler(c -> connections.incrementAndGet())
            .requestHandler(this::handle)
            .listen()
            .await(10, TimeUnit.SECONDS);
  }

  private void handle(HttpServerRequest request) {
    requests.add(request);
    String path = request.path();
    if (path.startsWith("/ws/") && request.canUpgradeToWebSocket()) {
      request.toWebSocket().onSuccess(ws -> webSocket(request, ws));
      return;
    }
    HttpServerResponse response = request.response();
    switch (path) {
      case "/big" -> big(response, Long.parseLong(request.getParam("mib", "64")) << 20);
      case "/slow" ->
          vertx.setTimer(
              Long.parseLong(request.getParam("ms", "1000")),
              t -> {
                if (!response.closed()) {
                  response.end("slow");
                }
              });
      default -> request.body().onSuccess(body -> response.end("ok"));
    }
  }

  private void webSocket(HttpServerRequest request, ServerWebSocket ws) {
    String path = request.path();
    if (path.startsWith("/ws/sink/")) {
      sink = ws;
      ws.pause();
      return;
    }
    if (path.startsWith("/ws/big/")) {
      int bytes = Integer.parseInt(request.getParam("bytes"));
      ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[bytes]), true));
      return;
    }
    ws.frameHandler(
        frame -> {
          frames.add(frame.binaryData().length());
          ws.writeFrame(frame);
        });
  }

  /** Writes {@code total} bytes, pausing whenever the proxy's socket pushes back. */
  private void big(HttpServerResponse response, long total) {
    response.putHeader("content-length", Long.toString(total));
    Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
    Runnable[] write = new Runnable[1];
    write[0] =
        () -> {
          while (bigWritten.get() < total && !response.writeQueueFull()) {
            long left = total - bigWritten.get();
            Buffer piece = left >= chunk.length() ? chunk : chunk.getBuffer(0, (int) left);
            response.write(piece);
            bigWritten.addAndGet(piece.length());
          }
          if (bigWritten.get() >= total) {
            response.end();
          } else {
            response.drainHandler(v -> write[0].run());
          }
        };
    write[0].run();
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Connections the proxy opened to this upstream. */
  int connections() {
    return connections.get();
  }

  /** Request heads that reached this upstream, in order. */
  List<String> requests() {
    return requests.stream().map(r -> r.method().name() + " " + r.uri()).toList();
  }

  /** Every request for {@code uri} that reached this upstream. */
  List<HttpServerRequest> requestsTo(String uri) {
    return requests.stream().filter(r -> r.uri().equals(uri)).toList();
  }

  /** The last request for {@code uri} that reached this upstream. */
  HttpServerRequest request(String uri) {
    HttpServerRequest found = null;
    for (HttpServerRequest r : requests) {
      if (r.uri().equals(uri)) {
        found = r;
      }
    }
    if (found == null) {
      throw new AssertionError(uri + " did not reach the upstream: " + requests());
    }
    return found;
  }

  HttpServerRequest last() {
    HttpServerRequest last = null;
    for (HttpServerRequest r : requests) {
      last = r;
    }
    return last;
  }

  /** Sizes of the WebSocket frames the echo endpoint received. */
  List<Integer> frames() {
    return List.copyOf(frames);
  }

  long bigWritten() {
    return bigWritten.get();
  }

  /** Lets the sink WebSocket read again, counting what it reads. */
  void drainSink() {
    ServerWebSocket ws = sink;
    ws.handler(data -> sinkPending.addAndGet(data.length()));
    ws.resume();
  }

  long sinkRead() {
    return sinkPending.get();
  }

  void clear() {
    requests.clear();
    frames.clear();
    connections.set(0);
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Best effort in tests.
    }
  }
}
