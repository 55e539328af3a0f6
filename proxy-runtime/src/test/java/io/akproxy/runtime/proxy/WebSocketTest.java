package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.Limits;
import io.akproxy.config.Upstream;
import io.akproxy.config.WebSocketSettings;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.authentik.Received;
import io.akproxy.testkit.time.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, behaviour 6: WebSockets through the proxy. */
class WebSocketTest {

  private static final int SMALL_SOCKET_BUFFER = 16 * 1024;

  /**
   * What a paused tunnel may hold: mostly the proxy's own kernel buffers, which it leaves to the
   * kernel's autotuning (its receive buffer towards authentik may grow to {@code tcp_rmem}'s
   * maximum, 32 MiB here; about 12 MiB in all was measured), plus what it has read and not yet
   * written; a tunnel that kept reading without pausing passes it within moments.
   */
  private static final long HELD_BACK_CEILING = 64L * 1024 * 1024;

  @TempDir static Path root;
  private static Vertx vertx;
  private static AuthentikStub upstream;
  private static ProxyFixture proxy;
  private static WebSocketClient client;

  /**
   * Two keep-alive slots and a one-second listener idle timeout, to prove neither binds tunnels.
   */
  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = AuthentikStub.plain();
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
    return Clients.connect(client, proxy.httpsPort(), uri);
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
      Received upgrade = upstream.last();
      assertThat(upgrade.target()).isEqualTo(path);
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
    assertThat(echo(ws, "before")).isEqualTo("before");
    AtomicBoolean closed = new AtomicBoolean();
    ws.closeHandler(v -> closed.set(true));
    // The listener closes idle keep-alive connections after 1 s; a tunnel has its own timeout.
    // A keep-alive connection opened after the tunnel's last traffic and closed for idleness
    // proves the tunnel has been idle at least that long.
    try (SSLSocket keepAlive = Clients.tls(proxy.httpsPort())) {
      keepAlive.setSoTimeout(30_000);
      keepAlive
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      keepAlive.getOutputStream().flush();
      // Read to the end of the stream: the answer, then the listener's close (a read timeout here
      // fails the test).
      String answered =
          new String(keepAlive.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answered).startsWith("HTTP/1.1 200 ");
    }
    assertThat(closed).isFalse();
    assertThat(echo(ws, "still here")).isEqualTo("still here");
    ws.close();
  }

  /**
   * Issue 18 §3: with small socket buffers at both ends (the client's and authentik's), what
   * authentik writes before it blocks is mostly what the proxy holds back; it stays small, and it
   * all arrives once the client reads again.
   */
  @Test
  void aSlowReaderPausesAuthentikInsteadOfFillingTheProxysMemory() throws Exception {
    WebSocketClient smallBuffers =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setSsl(true)
                .setTrustOptions(Clients.trust())
                .setReceiveBufferSize(SMALL_SOCKET_BUFFER)
                .setMaxFrameSize(1024 * 1024));
    try (AuthentikStub flooding =
            AuthentikStub.builder().socketBuffers(SMALL_SOCKET_BUFFER).start();
        ProxyFixture flooded =
            ProxyFixture.builder(root.resolve("flooded")).upstream(flooding).start()) {
      WebSocket ws = Clients.connect(smallBuffers, flooded.httpsPort(), "/ws/flood/");
      ws.pause();
      // Capped at the ceiling, so a tunnel that does not push back fails at once instead of
      // filling the test's memory until the wait gives up.
      long held =
          Await.untilStable(
              "authentik's flood held back",
              Duration.ofMillis(500),
              Duration.ofSeconds(30),
              () -> Math.min(flooding.floodBytes(), HELD_BACK_CEILING),
              bytes -> flooding.floodBlocked() || bytes == HELD_BACK_CEILING);
      System.out.printf(
          "WebSocketTest: %d KiB written by authentik before it blocked%n", held / 1024);
      assertThat(held).isLessThan(HELD_BACK_CEILING);

      AtomicLong received = new AtomicLong();
      ws.handler(data -> received.addAndGet(data.length()));
      ws.resume();
      await().atMost(Duration.ofSeconds(30)).until(() -> received.get() > held);
      ws.close();
    } finally {
      smallBuffers.close();
    }
  }

  @Test
  void anUpgradeAuthentikDeclinesIsPassedOnAsItsAnswer() {
    Future<WebSocket> refused =
        client.connect(
            new WebSocketConnectOptions()
                .setHost("localhost")
                .setPort(proxy.httpsPort())
                .setURI("/_stub/status/403"));
    try {
      refused.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Expected: asserted below.
    }
    assertThat(refused.cause()).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) refused.cause()).getStatus()).isEqualTo(403);
  }

  /**
   * Traffic keeps a tunnel open past its idle timeout, silence closes it. A relay pair joins a
   * client's connection to an echo server's, as the proxy joins a browser's to authentik's, and the
   * echo server measures: no close without a silence at least as long as the timeout before it, and
   * one trial must carry traffic for twice the timeout before going silent (on a machine that
   * stalls longer than the timeout between two pings, the close is right and the trial is
   * repeated).
   */
  @Test
  void closesATunnelThatStaysSilentInBothDirections() throws Exception {
    long idleMillis = 500;
    Vertx local = Vertx.vertx();
    try {
      // On the echo server's side: when it last heard from the client (or accepted it), the
      // longest silence so far, and when the tunnel closed.
      AtomicLong lastHeard = new AtomicLong();
      AtomicLong longestSilence = new AtomicLong();
      AtomicLong closedAt = new AtomicLong();
      var echo =
          local
              .createNetServer()
              .connectHandler(
                  socket -> {
                    lastHeard.set(System.nanoTime());
                    socket.handler(
                        data -> {
                          long now = System.nanoTime();
                          longestSilence.accumulateAndGet(
                              now - lastHeard.getAndSet(now), Math::max);
                          socket.write(data);
                        });
                    socket.closeHandler(
                        v -> {
                          long now = System.nanoTime();
                          longestSilence.accumulateAndGet(now - lastHeard.get(), Math::max);
                          closedAt.set(now);
                        });
                  })
              .listen(0, "127.0.0.1")
              .await(5, TimeUnit.SECONDS);
      var toEcho = local.createNetClient();
      var tunnel =
          local
              .createNetServer()
              .connectHandler(
                  fromClient -> {
                    fromClient.pause();
                    toEcho
                        .connect(echo.actualPort(), "127.0.0.1")
                        .onSuccess(
                            toServer -> {
                              toServer.pause();
                              fromClient.closeHandler(v -> toServer.close());
                              toServer.closeHandler(v -> fromClient.close());
                              TunnelRelay.connect(
                                  fromClient, fromClient, toServer, toServer, idleMillis);
                            });
                  })
              .listen(0, "127.0.0.1")
              .await(5, TimeUnit.SECONDS);
      // Held in variables to the end: Vert.x closes a client nobody references any more, with
      // its connections, and a collection mid-trial would close the tunnel under the test.
      var clients = local.createNetClient();
      boolean trafficOutlivedTheTimeout = false;
      for (int trial = 0; trial < 5 && !trafficOutlivedTheTimeout; trial++) {
        longestSilence.set(0);
        closedAt.set(0);
        var socket = clients.connect(tunnel.actualPort(), "127.0.0.1").await(5, TimeUnit.SECONDS);
        AtomicBoolean clientClosed = new AtomicBoolean();
        AtomicReference<Promise<Void>> echoed = new AtomicReference<>(Promise.promise());
        socket.handler(data -> echoed.get().tryComplete());
        socket.closeHandler(
            v -> {
              clientClosed.set(true);
              echoed.get().tryComplete();
            });
        long start = System.nanoTime();
        // Ping, wait for the echo, ping again, for twice the timeout or until the tunnel closes.
        while (!clientClosed.get()
            && System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2 * idleMillis)) {
          Promise<Void> next = Promise.promise();
          echoed.set(next);
          if (clientClosed.get()) {
            break;
          }
          socket.write(Buffer.buffer("ping"));
          next.future().await(10, TimeUnit.SECONDS);
        }
        trafficOutlivedTheTimeout = !clientClosed.get();
        // ...then silence closes it: the client's side and the echo server's.
        await().atMost(Duration.ofSeconds(10)).until(() -> closedAt.get() != 0);
        await().atMost(Duration.ofSeconds(10)).untilTrue(clientClosed);
        // A ping that arrives as the timer fires can be read just before the close: what must
        // have come before the close is a silence as long as the timeout, somewhere.
        assertThat(Duration.ofNanos(longestSilence.get()))
            .as("the longest silence before the close")
            .isGreaterThanOrEqualTo(Duration.ofMillis(idleMillis));
      }
      assertThat(trafficOutlivedTheTimeout)
          .as("traffic kept a tunnel open past its timeout")
          .isTrue();
      clients.close();
      toEcho.close();
      // The tunnel's server too: a server nobody references is closed as well.
      tunnel.close();
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
      WebSocket ws = Clients.connect(client, configured.httpsPort(), "/ws/client/");
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
