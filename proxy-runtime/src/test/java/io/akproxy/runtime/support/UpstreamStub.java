package io.akproxy.runtime.support;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * authentik's stand-in: an HTTP/1.1 (optionally TLS) server that records every request it gets and
 * answers by path.
 *
 * <ul>
 *   <li>{@code /ws/...}: WebSocket echo (text and binary); {@code /ws/flood/}: writes binary frames
 *       until its socket pushes back
 *   <li>{@code /slow?ms=N}: answers after N ms
 *   <li>{@code /status/N}: answers with that status
 *   <li>{@code /echo}: echoes the request body
 *   <li>{@code /hop}: answers with hop-by-hop headers and its own HSTS
 *   <li>anything else: 200 {@code hello from upstream}
 * </ul>
 */
public final class UpstreamStub implements AutoCloseable {

  public static final String UPSTREAM_HOST = "upstream.test";

  /** One request as the stub received it. */
  public record Received(
      String method,
      String uri,
      MultiMap headers,
      String body,
      int connection,
      HttpVersion version,
      String serverName) {

    public String header(String name) {
      return headers.get(name);
    }

    public List<String> headers(String name) {
      return headers.getAll(name);
    }
  }

  private final Vertx vertx;
  private final boolean tls;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private final Map<HttpConnection, Integer> connectionIds = new ConcurrentHashMap<>();
  private final AtomicInteger connectionsOpened = new AtomicInteger();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicInteger webSockets = new AtomicInteger();
  private final AtomicLong floodBytes = new AtomicLong();
  private volatile boolean floodBlocked;
  private volatile HttpServer server;
  private volatile int port;

  private UpstreamStub(boolean tls) {
    this.vertx = Vertx.vertx();
    this.tls = tls;
  }

  public static UpstreamStub plain() {
    UpstreamStub stub = new UpstreamStub(false);
    stub.listen(0);
    return stub;
  }

  /** TLS with a certificate for {@value #UPSTREAM_HOST} from the test hierarchy, SNI recorded. */
  public static UpstreamStub tls() {
    UpstreamStub stub = new UpstreamStub(true);
    stub.listen(0);
    return stub;
  }

  private void listen(int requestedPort) {
    HttpServerOptions options = new HttpServerOptions().setPort(requestedPort).setHost("127.0.0.1");
    if (tls) {
      TestPki pki = TestPki.get();
      TestPki.Issued certificate = pki.leaf(TestPki.ec(), UPSTREAM_HOST, "127.0.0.1");
      options
          .setSsl(true)
          .setSni(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertValue(Buffer.buffer(pki.chainPem(certificate)))
                  .setKeyValue(
                      Buffer.buffer(
                          TestPki.keyPem(
                              certificate.keys().getPrivate(), TestPki.KeyFormat.PKCS8))));
    }
    HttpServer created =
        vertx
            .createHttpServer(options)
            .connectionHandler(this::connected)
            .requestHandler(this::handle);
    try {
      server = created.listen().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("upstream stub cannot listen on " + requestedPort, e);
    }
    port = server.actualPort();
  }

  private void connected(HttpConnection connection) {
    connectionIds.put(connection, connectionsOpened.incrementAndGet());
    openConnections.incrementAndGet();
    connection.closeHandler(
        v -> {
          openConnections.decrementAndGet();
          connectionIds.remove(connection);
        });
  }

  private void handle(HttpServerRequest request) {
    if (request.path().contains("/ws/") && request.canUpgradeToWebSocket()) {
      record(request, "");
      request.toWebSocket().onSuccess(ws -> webSocket(request.path(), ws));
      return;
    }
    request
        .body()
        .onSuccess(
            body -> {
              record(request, body.toString());
              respond(request, body);
            });
  }

  private void record(HttpServerRequest request, String body) {
    String sni = tls ? request.connection().indicatedServerName() : null;
    received.add(
        new Received(
            request.method().name(),
            request.uri(),
            MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
            body,
            connectionIds.getOrDefault(request.connection(), -1),
            request.version(),
            sni));
  }

  private void respond(HttpServerRequest request, Buffer body) {
    String path = request.path();
    var response = request.response().putHeader("x-upstream", "stub");
    if (path.equals("/slow")) {
      long ms = Long.parseLong(request.getParam("ms", "1000"));
      vertx.setTimer(ms, id -> response.end("slow"));
    } else if (path.startsWith("/status/")) {
      response.setStatusCode(Integer.parseInt(path.substring("/status/".length()))).end();
    } else if (path.equals("/echo")) {
      response.end(body);
    } else if (path.equals("/hop")) {
      response
          .putHeader("connection", "keep-alive, x-drop-me")
          .putHeader("keep-alive", "timeout=5")
          .putHeader("x-drop-me", "hop-by-hop by Connection")
          .putHeader("strict-transport-security", "max-age=1")
          .end("hop");
    } else {
      // Explicit, so HEAD answers carry it too (Vert.x only computes it for bodies it sends).
      response.putHeader("content-length", "19").end("hello from upstream");
    }
  }

  private void webSocket(String path, ServerWebSocket ws) {
    webSockets.incrementAndGet();
    ws.closeHandler(v -> webSockets.decrementAndGet());
    if (path.contains("/ws/flood/")) {
      flood(ws, Buffer.buffer(new byte[64 * 1024]));
      return;
    }
    ws.textMessageHandler(ws::writeTextMessage);
    ws.binaryMessageHandler(ws::writeBinaryMessage);
  }

  /** Writes until the socket pushes back, then again whenever it drains. */
  private void flood(ServerWebSocket ws, Buffer frame) {
    while (!ws.isClosed() && !ws.writeQueueFull()) {
      ws.writeBinaryMessage(frame);
      floodBytes.addAndGet(frame.length());
    }
    floodBlocked = true;
    ws.drainHandler(
        v -> {
          floodBlocked = false;
          flood(ws, frame);
        });
  }

  public int port() {
    return port;
  }

  /** {@code http(s)://127.0.0.1:<port>}, for {@code upstream.url}. */
  public String url() {
    return (tls ? "https" : "http") + "://127.0.0.1:" + port;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public Received last() {
    Received last = null;
    for (Received r : received) {
      last = r;
    }
    return last;
  }

  public void clear() {
    received.clear();
  }

  public int connectionsOpened() {
    return connectionsOpened.get();
  }

  public int openConnections() {
    return openConnections.get();
  }

  public int webSockets() {
    return webSockets.get();
  }

  public long floodBytes() {
    return floodBytes.get();
  }

  public boolean floodBlocked() {
    return floodBlocked;
  }

  /** Stops listening (connections dropped), as a crashed authentik would. */
  public void stop() {
    try {
      server.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Listens again on the same port. */
  public void restart() {
    listen(port);
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
