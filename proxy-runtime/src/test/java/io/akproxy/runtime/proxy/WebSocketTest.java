package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.Limits;
import io.akproxy.config.Upstream;
import io.akproxy.config.WebSocketSettings;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.runtime.support.UpstreamStub;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, behaviour 6: WebSockets through the proxy. */
class WebSocketTest {

  @TempDir static Path root;
  private static Vertx vertx;
  private static UpstreamStub upstream;
  private static ProxyFixture proxy;
  private static WebSocketClient client;

  /**
   * Two keep-alive slots and a one-second listener idle timeout, to prove neither binds tunnels.
   */
  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = UpstreamStub.plain();
    proxy =
        ProxyFixture.builder(root)
            .upstream(upstream)
            .config(
                c -> {
                  Upstream u = c.upstream();
                  Limits l = c.limits();
                  return c.withUpstream(
                          new Upstream(
                              u.url(),
                              u.tls(),
                              new Upstream.KeepAlive(2, 30),
                              u.connectTimeoutSeconds(),
                              u.responseTimeoutSeconds()))
                      .withLimits(
                          new Limits(
                              l.maxHeaderBytes(),
                              l.maxRequestLineBytes(),
                              l.headerTimeoutSeconds(),
                              1,
                              l.maxConnections(),
                              l.http2MaxConcurrentStreams()));
                })
            .start();
    client = Clients.webSocket(vertx);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    upstream.close();
    vertx.close();
  }

  private static WebSocket connect(String uri) {
    try {
      return client
          .connect(
              new WebSocketConnectOptions()
                  .setHost("localhost")
                  .setPort(proxy.httpsPort())
                  .setURI(uri))
          .await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String echo(WebSocket ws, String text) {
    Promise<String> reply = Promise.promise();
    ws.textMessageHandler(reply::tryComplete);
    ws.writeTextMessage(text);
    try {
      return reply.future().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void carriesAuthentiksClientAndOutpostSocketsWithTheHeadersItNeeds() {
    for (String path : List.of("/ws/client/", "/ws/outpost/" + UUID.randomUUID() + "/")) {
      upstream.clear();
      WebSocket ws = connect(path);
      assertThat(echo(ws, "hello " + path)).isEqualTo("hello " + path);
      UpstreamStub.Received upgrade = upstream.last();
      assertThat(upgrade.uri()).isEqualTo(path);
      assertThat(upgrade.header("host")).isEqualTo("localhost:" + proxy.httpsPort());
      assertThat(upgrade.header("upgrade")).isEqualToIgnoringCase("websocket");
      assertThat(upgrade.header("connection")).isEqualToIgnoringCase("upgrade");
      assertThat(upgrade.header("x-forwarded-proto")).isEqualTo("https");
      assertThat(upgrade.header("x-forwarded-for")).isEqualTo("127.0.0.1");
      assertThat(upgrade.header("sec-websocket-key")).isNotBlank();
      ws.close();
    }
  }

  @Test
  void tunnelsAreNotCappedByTheKeepAlivePoolAndPlainRequestsStillFlow() {
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sockets.add(connect("/ws/outpost/" + UUID.randomUUID() + "/"));
    }
    HttpClient http = Clients.http(vertx, HttpVersion.HTTP_1_1);
    assertThat(Answer.get(http, proxy.httpsPort(), "/api/v3/").status()).isEqualTo(200);
    for (int i = 0; i < sockets.size(); i++) {
      assertThat(echo(sockets.get(i), "outpost " + i)).isEqualTo("outpost " + i);
    }
    assertThat(proxy.metrics().webSocketSessions()).isGreaterThanOrEqualTo(6);
    sockets.forEach(WebSocket::close);
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().webSocketSessions() == 0);
  }

  @Test
  void outlivesTheListenersKeepAliveIdleTimeout() throws Exception {
    WebSocket ws = connect("/ws/client/");
    AtomicLong closedAt = new AtomicLong();
    ws.closeHandler(v -> closedAt.set(System.nanoTime()));
    // The listener closes idle keep-alive connections after 1 s; a tunnel has its own timeout.
    Thread.sleep(2500);
    assertThat(closedAt.get()).isZero();
    assertThat(echo(ws, "still here")).isEqualTo("still here");
    ws.close();
  }

  @Test
  void aSlowReaderPausesAuthentikInsteadOfFillingTheProxysMemory() throws Exception {
    WebSocket ws = connect("/ws/flood/");
    ws.pause();
    // Socket buffers absorb a few megabytes; after that the upstream must stay blocked for good.
    long[] last = {-1};
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              long now = upstream.floodBytes();
              boolean stable = upstream.floodBlocked() && now == last[0];
              last[0] = now;
              return stable;
            });
    long written = upstream.floodBytes();
    assertThat(written).isLessThan(64L * 1024 * 1024);
    AtomicLong received = new AtomicLong();
    ws.handler(data -> received.addAndGet(data.length()));
    ws.resume();
    await().atMost(Duration.ofSeconds(10)).until(() -> received.get() > written);
    ws.close();
  }

  @Test
  void anUpgradeAuthentikDeclinesIsPassedOnAsItsAnswer() {
    Future<WebSocket> refused =
        client.connect(
            new WebSocketConnectOptions()
                .setHost("localhost")
                .setPort(proxy.httpsPort())
                .setURI("/status/403"));
    try {
      refused.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Expected: asserted below.
    }
    assertThat(refused.cause()).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) refused.cause()).getStatus()).isEqualTo(403);
  }

  @Test
  void closesATunnelThatStaysSilentInBothDirections() throws Exception {
    Vertx local = Vertx.vertx();
    try {
      AtomicLong serverClosed = new AtomicLong();
      var server =
          local
              .createNetServer()
              .connectHandler(
                  socket -> {
                    WebSocketTunnel.closeWhenIdle(socket, 300);
                    socket.handler(socket::write);
                    socket.closeHandler(v -> serverClosed.set(System.nanoTime()));
                  })
              .listen(0, "127.0.0.1")
              .await(5, TimeUnit.SECONDS);
      var socket =
          local
              .createNetClient()
              .connect(server.actualPort(), "127.0.0.1")
              .await(5, TimeUnit.SECONDS);
      long start = System.nanoTime();
      // Traffic every 100 ms keeps it open past the timeout...
      for (int i = 0; i < 6; i++) {
        socket.write(Buffer.buffer("ping"));
        Thread.sleep(100);
      }
      assertThat(serverClosed.get()).isZero();
      // ...silence closes it.
      await().atMost(Duration.ofSeconds(3)).until(() -> serverClosed.get() != 0);
      assertThat(Duration.ofNanos(serverClosed.get() - start))
          .isGreaterThan(Duration.ofMillis(800));
    } finally {
      local.close();
    }
  }

  @Test
  void theTunnelIdleTimeoutDefaultsToAnHour() {
    assertThat(proxy.runtime().current().webSocketIdleMillis()).isEqualTo(3_600_000L);
  }

  /**
   * A configured websocket.idleTimeoutSeconds reaches the tunnel: a silent one is closed by the
   * proxy (at the shortest value allowed, just above the outposts' 10 s HELLO), where the default
   * hour would have kept it.
   */
  @Test
  void aSilentTunnelIsClosedAtTheConfiguredIdleTimeout(@TempDir Path other) throws Exception {
    int idleSeconds = WebSocketSettings.OUTPOST_HELLO_SECONDS + 1;
    try (ProxyFixture configured =
        ProxyFixture.builder(other)
            .upstream(upstream)
            .config(
                c ->
                    c.withWebsocket(
                        new WebSocketSettings(
                            idleSeconds,
                            c.websocket().maxFrameBytes(),
                            c.websocket().maxMessageBytes())))
            .start()) {
      WebSocket ws =
          client
              .connect(
                  new WebSocketConnectOptions()
                      .setHost("localhost")
                      .setPort(configured.httpsPort())
                      .setURI("/ws/client/"))
              .await(10, TimeUnit.SECONDS);
      assertThat(echo(ws, "still there")).isEqualTo("still there");
      Promise<Void> closed = Promise.promise();
      ws.closeHandler(closed::tryComplete);

      closed.future().await(idleSeconds + 30L, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> configured.metrics().webSocketSessions() == 0);
    }
  }
}
