package io.akproxy.runtime.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.ProxyConfig;
import io.akproxy.config.WebSocketSettings;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.PodFiles;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.runtime.RuntimeProcess;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11 §5: the shipped jar, with the image's JVM flags (a 64 MiB heap and 64 MiB of direct
 * memory) and the contract's default limits, carries what the seed (nginx, which has none) carries:
 * 1 MiB and 16 MiB messages, binary and text, each one frame, both ways: authentik's stand-in
 * receives each as the one frame the client sent and echoes it as one frame, which the client
 * receives whole.
 */
class WebSocketDefaultLimitsIT {

  private static final int MIB = 1024 * 1024;

  @org.junit.jupiter.api.io.TempDir static Path root;
  private static Vertx vertx;
  private static HttpServer echo;
  private static RuntimeProcess proxy;
  private static int httpsPort;
  private static WebSocketClient client;

  /** The frames authentik's stand-in received: their sizes, and whether each was final. */
  private static final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    // authentik's stand-in takes anything up to 32 MiB, so only the proxy could refuse.
    echo =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setHost("127.0.0.1")
                    .setPort(0)
                    .setMaxWebSocketFrameSize(32 * MIB)
                    .setMaxWebSocketMessageSize(32 * MIB))
            .webSocketHandler(
                ws ->
                    ws.frameHandler(
                        frame -> {
                          received.add(frame.binaryData().length() + (frame.isFinal() ? "" : "+"));
                          ws.writeFrame(
                              frame.isText()
                                  ? WebSocketFrame.textFrame(frame.textData(), frame.isFinal())
                                  : WebSocketFrame.binaryFrame(
                                      frame.binaryData(), frame.isFinal()));
                        }))
            .listen()
            .await(10, TimeUnit.SECONDS);
    ProxyConfig config =
        ProxyFixture.builder(root)
            .upstreamUrl("http://127.0.0.1:" + echo.actualPort())
            .baseConfig();
    assertThat(config.websocket()).isEqualTo(WebSocketSettings.defaults());
    proxy = PodFiles.startRuntime(root, config);
    httpsPort = proxy.listening().https();
    client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setSsl(true)
                .setTrustOptions(Clients.trust())
                .setDefaultHost("localhost")
                .setMaxFrameSize(32 * MIB)
                .setMaxMessageSize(32 * MIB));
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    vertx.close();
  }

  private static WebSocket connect() throws Exception {
    return client
        .connect(
            new WebSocketConnectOptions()
                .setHost("localhost")
                .setPort(httpsPort)
                .setURI("/ws/client/"))
        .await(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0} MiB")
  @ValueSource(ints = {1, 16})
  void aBinaryMessageInOneFrameEchoesIntact(int mebibytes) throws Exception {
    byte[] payload = new byte[mebibytes * MIB];
    ThreadLocalRandom.current().nextBytes(payload);
    WebSocket ws = connect();
    Promise<WebSocketFrame> echoed = Promise.promise();
    ws.frameHandler(echoed::tryComplete);
    ws.closeHandler(v -> echoed.tryFail("closed with " + ws.closeStatusCode()));

    ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(payload), true));

    WebSocketFrame frame = echoed.future().await(60, TimeUnit.SECONDS);
    assertThat(frame.isBinary() && frame.isFinal()).as("one final binary frame").isTrue();
    assertThat(Arrays.equals(frame.binaryData().getBytes(), payload)).isTrue();
    assertThat(received).as("frames authentik received").contains(String.valueOf(payload.length));
    assertThat(proxy.isAlive()).isTrue();
    ws.close();
  }

  @ParameterizedTest(name = "{0} MiB")
  @ValueSource(ints = {1, 16})
  void aTextMessageInOneFrameEchoesIntact(int mebibytes) throws Exception {
    byte[] letters = new byte[mebibytes * MIB];
    for (int i = 0; i < letters.length; i++) {
      letters[i] = (byte) ('a' + ThreadLocalRandom.current().nextInt(26));
    }
    String payload = new String(letters, StandardCharsets.US_ASCII);
    WebSocket ws = connect();
    Promise<WebSocketFrame> echoed = Promise.promise();
    ws.frameHandler(echoed::tryComplete);
    ws.closeHandler(v -> echoed.tryFail("closed with " + ws.closeStatusCode()));

    ws.writeFrame(WebSocketFrame.textFrame(payload, true));

    WebSocketFrame frame = echoed.future().await(60, TimeUnit.SECONDS);
    assertThat(frame.isText() && frame.isFinal()).as("one final text frame").isTrue();
    assertThat(frame.textData()).isEqualTo(payload);
    assertThat(received).as("frames authentik received").contains(String.valueOf(letters.length));
    assertThat(proxy.isAlive()).isTrue();
    ws.close();
  }
}
