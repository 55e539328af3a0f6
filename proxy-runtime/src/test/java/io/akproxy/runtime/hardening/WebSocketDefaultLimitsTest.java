package io.akproxy.runtime.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.WebSocketSettings;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.runtime.support.TestPki;
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
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With the contract's default limits the proxy carries what the seed (nginx, which has none)
 * carries: 1 MiB and 16 MiB messages, binary and text, each sent as one frame, echoed intact.
 */
class WebSocketDefaultLimitsTest {

  private static final int MIB = 1024 * 1024;

  @org.junit.jupiter.api.io.TempDir static Path root;
  private static Vertx vertx;
  private static HttpServer echo;
  private static ProxyFixture proxy;
  private static WebSocketClient client;

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
                        frame ->
                            ws.writeFrame(
                                frame.isText()
                                    ? WebSocketFrame.textFrame(frame.textData(), frame.isFinal())
                                    : WebSocketFrame.binaryFrame(
                                        frame.binaryData(), frame.isFinal()))))
            .listen()
            .await(10, TimeUnit.SECONDS);
    proxy = ProxyFixture.builder(root).upstreamUrl("http://127.0.0.1:" + echo.actualPort()).start();
    assertThat(proxy.config().websocket()).isEqualTo(WebSocketSettings.defaults());
    client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setSsl(true)
                .setTrustOptions(
                    new PemTrustOptions().addCertValue(Buffer.buffer(TestPki.get().rootPem())))
                .setDefaultHost("localhost")
                .setMaxFrameSize(32 * MIB)
                .setMaxMessageSize(32 * MIB));
  }

  @AfterAll
  static void stop() {
    proxy.close();
    vertx.close();
  }

  private static WebSocket connect() throws Exception {
    return client
        .connect(
            new WebSocketConnectOptions()
                .setHost("localhost")
                .setPort(proxy.httpsPort())
                .setURI("/ws/client/"))
        .await(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0} MiB")
  @ValueSource(ints = {1, 16})
  void aBinaryMessageInOneFrameEchoesIntact(int mebibytes) throws Exception {
    byte[] payload = new byte[mebibytes * MIB];
    ThreadLocalRandom.current().nextBytes(payload);
    WebSocket ws = connect();
    Promise<Buffer> echoed = Promise.promise();
    ws.binaryMessageHandler(echoed::tryComplete);
    ws.closeHandler(v -> echoed.tryFail("closed with " + ws.closeStatusCode()));

    ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(payload), true));

    assertThat(Arrays.equals(echoed.future().await(60, TimeUnit.SECONDS).getBytes(), payload))
        .isTrue();
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
    Promise<String> echoed = Promise.promise();
    ws.textMessageHandler(echoed::tryComplete);
    ws.closeHandler(v -> echoed.tryFail("closed with " + ws.closeStatusCode()));

    ws.writeFrame(WebSocketFrame.textFrame(payload, true));

    assertThat(echoed.future().await(60, TimeUnit.SECONDS)).isEqualTo(payload);
    ws.close();
  }
}
