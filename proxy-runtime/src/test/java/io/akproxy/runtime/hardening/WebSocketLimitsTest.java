package io.akproxy.runtime.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.WebSocketSettings;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, vector 4: frame and message limits in both directions of a tunnel, and backpressure from
 * a client that floods authentik while authentik does not read.
 */
class WebSocketLimitsTest {

  private static final int FRAME = 16 * 1024;
  private static final int MESSAGE = 64 * 1024;

  @TempDir static Path root;
  private static Vertx vertx;
  private static CountingUpstream upstream;
  private static ProxyFixture proxy;
  private static WebSocketClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new CountingUpstream();
    proxy =
        ProxyFixture.builder(root)
            .upstreamUrl(upstream.url())
            .config(c -> c.withWebsocket(new WebSocketSettings(3600, FRAME, MESSAGE)))
            .start();
    // The client's own limits far above the proxy's, so only the proxy can refuse.
    client =
        vertx.createWebSocketClient(
            new io.vertx.core.http.WebSocketClientOptions()
                .setSsl(true)
                .setTrustOptions(Clients.trust())
                .setDefaultHost("localhost")
                .setMaxFrameSize(8 * 1024 * 1024)
                .setMaxMessageSize(8 * 1024 * 1024));
  }

  @AfterAll
  static void stop() {
    proxy.close();
    upstream.close();
    vertx.close();
  }

  @BeforeEach
  void clear() {
    upstream.clear();
  }

  private static WebSocket connect(String uri) throws Exception {
    return Clients.connect(client, proxy.httpsPort(), uri);
  }

  /** The close code the client saw, once the connection is gone. */
  private static int closedWith(WebSocket ws) throws Exception {
    Promise<Void> closed = Promise.promise();
    ws.closeHandler(v -> closed.tryComplete());
    if (ws.isClosed()) {
      closed.tryComplete();
    }
    closed.future().await(10, TimeUnit.SECONDS);
    Short code = ws.closeStatusCode();
    return code == null ? -1 : code;
  }

  @Test
  void framesAndMessagesWithinTheLimitsTravelBothWays() throws Exception {
    WebSocket ws = connect("/ws/echo/");
    Promise<Buffer> echoed = Promise.promise();
    ws.binaryMessageHandler(echoed::tryComplete);
    ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[FRAME]), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[FRAME]), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[FRAME]), true));
    assertThat(echoed.future().await(10, TimeUnit.SECONDS).length()).isEqualTo(3 * FRAME);
    ws.close();
  }

  @Test
  void aFrameOverTheLimitClosesTheTunnelWith1009AndNeverReachesAuthentik() throws Exception {
    WebSocket ws = connect("/ws/echo/");
    ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[100]), true));
    await().until(() -> upstream.frames().size() == 1);
    ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[FRAME + 1]), true));
    assertThat(closedWith(ws)).isEqualTo(1009);
    assertThat(upstream.frames()).containsExactly(100);
  }

  @Test
  void aFragmentedMessageOverTheLimitIsStoppedAtTheFrameThatCrossesIt() throws Exception {
    WebSocket ws = connect("/ws/echo/");
    ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[FRAME]), false));
    for (int i = 0; i < MESSAGE / FRAME; i++) {
      ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[FRAME]), false));
    }
    assertThat(closedWith(ws)).isEqualTo(1009);
    assertThat(upstream.frames()).hasSizeLessThan(MESSAGE / FRAME + 1);
  }

  @Test
  void aReloadedLimitAppliesToTunnelsOpenedAfterIt(@TempDir Path reloadRoot) throws Exception {
    try (ProxyFixture reloading =
        ProxyFixture.builder(reloadRoot)
            .upstreamUrl(upstream.url())
            .config(c -> c.withWebsocket(new WebSocketSettings(3600, FRAME, MESSAGE)))
            .reload()
            .start()) {
      reloading.writeConfig(
          reloading.config().withWebsocket(new WebSocketSettings(3600, 1024, 4096)));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> reloading.runtime().reloadStatus().applied() == 1);
      assertThat(reloading.runtime().reloadStatus().restartRequiredBy()).isEmpty();
      WebSocket ws = Clients.connect(client, reloading.httpsPort(), "/ws/echo/");
      ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[2048]), true));
      assertThat(closedWith(ws)).isEqualTo(1009);
    }
  }

  /**
   * The shortest idle timeout the configuration allows is 11 s (above authentik's 10 s outpost
   * HELLO), so this test takes that long.
   */
  @Test
  void aSilentTunnelIsClosedAtTheIdleTimeoutWhileABusyOneStaysOpen(@TempDir Path idleRoot)
      throws Exception {
    int idleSeconds = WebSocketSettings.OUTPOST_HELLO_SECONDS + 1;
    try (ProxyFixture idling =
        ProxyFixture.builder(idleRoot)
            .upstreamUrl(upstream.url())
            .config(c -> c.withWebsocket(new WebSocketSettings(idleSeconds, FRAME, MESSAGE)))
            .start()) {
      WebSocketConnectOptions echo =
          new WebSocketConnectOptions()
              .setHost("localhost")
              .setPort(idling.httpsPort())
              .setURI("/ws/echo/");
      // Before the silent tunnel is asked for: the proxy starts its idle clock while the client
      // still waits for the 101, and the busy connect after it may take seconds on a loaded
      // machine, so only a clock read here bounds the tunnel's life from below.
      long opened = System.nanoTime();
      WebSocket silent = client.connect(echo).await(10, TimeUnit.SECONDS);
      WebSocket busy = client.connect(echo).await(10, TimeUnit.SECONDS);
      Promise<Void> silentClosed = Promise.promise();
      silent.closeHandler(v -> silentClosed.tryComplete());
      AtomicLong echoes = new AtomicLong();
      busy.textMessageHandler(text -> echoes.incrementAndGet());
      long timer = vertx.setPeriodic(2000, id -> busy.writeTextMessage("hello"));
      try {
        silentClosed.future().await(idleSeconds + 10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - opened))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(idleSeconds));
        assertThat(busy.isClosed()).isFalse();
        long before = echoes.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> echoes.get() > before);
      } finally {
        vertx.cancelTimer(timer);
        busy.close();
      }
    }
  }

  @Test
  void anOversizedFrameFromAuthentikIsNotPassedToTheClient() throws Exception {
    // Handlers first: authentik's frame, and the proxy's answer to it, come right after the 101.
    ClientWebSocket ws = client.webSocket();
    AtomicLong received = new AtomicLong();
    Promise<Void> closed = Promise.promise();
    ws.frameHandler(
        frame -> {
          if (!frame.isClose()) {
            received.addAndGet(frame.binaryData().length());
          }
        });
    ws.closeHandler(v -> closed.tryComplete());
    ws.connect(
            new WebSocketConnectOptions()
                .setHost("localhost")
                .setPort(proxy.httpsPort())
                .setURI("/ws/big/?bytes=" + (FRAME + 1)))
        .await(10, TimeUnit.SECONDS);
    closed.future().await(10, TimeUnit.SECONDS);
    assertThat(ws.closeStatusCode()).isEqualTo((short) 1009);
    assertThat(received.get()).isZero();
  }

  @Test
  void aClientFloodingAnAuthentikThatDoesNotReadIsHeldBackNotBuffered() throws Exception {
    try (Socket socket = Wire.tls(proxy.httpsPort())) {
      Wire.write(
          socket,
          "GET /ws/sink/ HTTP/1.1\r\nHost: sso.example.com\r\nConnection: Upgrade\r\n"
              + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
      assertThat(Wire.readHead(socket)).startsWith("HTTP/1.1 101");
      // Masked binary frames (a zero mask leaves the payload as is), written by a thread that
      // blocks as soon as nothing takes them any more.
      byte[] frame = new byte[4 + 4 + FRAME];
      frame[0] = (byte) 0x82;
      frame[1] = (byte) (0x80 | 126);
      frame[2] = (byte) (FRAME >>> 8);
      frame[3] = (byte) FRAME;
      AtomicLong written = new AtomicLong();
      Thread flooder =
          new Thread(
              () -> {
                try {
                  OutputStream out = socket.getOutputStream();
                  while (written.get() < 256L * 1024 * 1024) {
                    out.write(frame);
                    written.addAndGet(frame.length);
                  }
                } catch (IOException e) {
                  // The socket was closed when the test ended.
                }
              });
      flooder.setDaemon(true);
      flooder.start();
      // Socket buffers on three hops absorb some megabytes; then the client must stay blocked.
      long[] last = {-1};
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                long now = written.get();
                boolean stable = now == last[0];
                last[0] = now;
                return stable;
              });
      long blockedAt = written.get();
      assertThat(blockedAt).isLessThan(64L * 1024 * 1024);
      assertThat(upstream.sinkRead()).isZero();
      upstream.drainSink();
      await().atMost(Duration.ofSeconds(20)).until(() -> written.get() > blockedAt);
      await().atMost(Duration.ofSeconds(20)).until(() -> upstream.sinkRead() >= blockedAt);
    }
  }
}
