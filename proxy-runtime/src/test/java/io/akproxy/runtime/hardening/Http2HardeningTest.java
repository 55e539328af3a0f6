package io.akproxy.runtime.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.Limits;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.H2Wire;
import io.akproxy.runtime.support.ProxyFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, vector 5: HTTP/2's concurrent-stream limit and rapid-reset protection, and no cleartext
 * HTTP/2 on the TLS port (nor on the plain one).
 */
class Http2HardeningTest {

  private static final int STREAMS = 4;

  @TempDir static Path root;
  private static CountingUpstream upstream;
  private static ProxyFixture proxy;

  @BeforeAll
  static void start() throws Exception {
    upstream = new CountingUpstream();
    proxy =
        ProxyFixture.builder(root)
            .upstreamUrl(upstream.url())
            .config(
                c -> {
                  Limits l = c.limits();
                  return c.withLimits(
                      new Limits(
                          l.maxHeaderBytes(),
                          l.maxRequestLineBytes(),
                          l.headerTimeoutSeconds(),
                          l.idleTimeoutSeconds(),
                          l.maxConnections(),
                          STREAMS));
                })
            .start();
  }

  @AfterAll
  static void stop() {
    proxy.close();
    upstream.close();
  }

  @BeforeEach
  void clear() {
    upstream.clear();
  }

  @Test
  void streamsBeyondTheAdvertisedLimitAreRefusedAndNeverForwarded() throws Exception {
    try (H2Wire h2 = H2Wire.connect(proxy.httpsPort())) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !h2.frames(H2Wire.SETTINGS).isEmpty());
      assertThat(h2.frames(H2Wire.SETTINGS).get(0).setting(H2Wire.SETTINGS_MAX_CONCURRENT_STREAMS))
          .isEqualTo(STREAMS);
      for (int i = 0; i < STREAMS + 2; i++) {
        h2.get(1 + 2 * i, "/slow?ms=1500");
      }
      h2.flush();
      await().atMost(Duration.ofSeconds(5)).until(() -> h2.frames(H2Wire.RST_STREAM).size() >= 2);
      assertThat(h2.frames(H2Wire.RST_STREAM))
          .allSatisfy(f -> assertThat(f.errorCode()).isEqualTo(H2Wire.REFUSED_STREAM))
          .extracting(H2Wire.Frame::stream)
          .containsExactly(1 + 2 * STREAMS, 3 + 2 * STREAMS);
      // The ones within the limit are served, on the same connection.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  h2.frames(H2Wire.HEADERS).stream().map(H2Wire.Frame::stream).distinct().count()
                      == STREAMS);
      // Only this test's path: on a loaded machine the flood tests' requests (/slow?ms=5000) can
      // still be reaching the shared upstream after they ended.
      assertThat(upstream.requests()).filteredOn(r -> r.contains("/slow?ms=1500")).hasSize(STREAMS);
      assertThat(h2.closed()).isFalse();
    }
  }

  @Test
  void aRapidResetFloodGetsGoAwayLongBeforeItEnds() throws Exception {
    int attempts = 1000;
    // Answered only after a minute, so a forwarded request that is still open was not cancelled.
    String flood = "/slow?ms=60000";
    int forwardedFirst = 3;
    try (H2Wire h2 = H2Wire.connect(proxy.httpsPort())) {
      // A few that surely reach authentik before they are reset, so that "every forwarded one was
      // cancelled" is about something (on a loaded machine every reset of the flood itself can
      // arrive before its request is forwarded).
      for (int i = 0; i < forwardedFirst; i++) {
        h2.get(1 + 2 * i, flood);
      }
      h2.flush();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> upstream.requestsTo(flood).size() >= forwardedFirst);
      for (int i = 0; i < attempts && !h2.closed(); i++) {
        int stream = 1 + 2 * i;
        if (i >= forwardedFirst) {
          h2.get(stream, flood);
        }
        h2.reset(stream);
        if (i % 50 == 0) {
          h2.flush();
        }
      }
      h2.flush();
    } catch (IOException e) {
      // The proxy closed the connection while the flood was still being written.
    }
    // Nothing holds: every forwarded request was cancelled (its connection to authentik closed),
    // and far fewer than sent were forwarded.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> upstream.requestsTo(flood).stream().allMatch(r -> r.response().closed()));
    assertThat(upstream.requestsTo(flood)).hasSizeLessThan(attempts / 2);
    Vertx vertx = Vertx.vertx();
    try {
      assertThat(
              Answer.get(Clients.http(vertx, HttpVersion.HTTP_2), proxy.httpsPort(), "/").status())
          .isEqualTo(200);
    } finally {
      vertx.close();
    }
  }

  @Test
  void theFloodIsAnsweredWithEnhanceYourCalm() throws Exception {
    try (H2Wire h2 = H2Wire.connect(proxy.httpsPort())) {
      // Exactly one reset more than the limit (200 per window, ListenerOptions), then silence:
      // any frame still unread when the proxy closes would turn its close into a TCP reset, which
      // can discard the GOAWAY before it is read. Slow requests keep every stream open until its
      // reset, so each reset counts whatever the machine's load.
      for (int i = 0; i < 201; i++) {
        h2.get(1 + 2 * i, "/slow?ms=5000");
        h2.reset(1 + 2 * i);
      }
      h2.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> !h2.frames(H2Wire.GOAWAY).isEmpty());
      assertThat(h2.frames(H2Wire.GOAWAY).get(0).errorCode()).isEqualTo(H2Wire.ENHANCE_YOUR_CALM);
    } catch (IOException e) {
      throw new AssertionError("closed before GOAWAY was read", e);
    }
  }

  @Test
  void theTlsPortDoesNotSpeakCleartextHttp2() throws Exception {
    // Prior knowledge without TLS: the TLS listener sees garbage instead of a ClientHello.
    try (Socket socket = Wire.plain(proxy.httpsPort())) {
      socket.getOutputStream().write(H2Wire.PREFACE);
      socket.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
      byte[] reply = readSome(socket);
      assertThat(isH2Settings(reply)).isFalse();
    }
    // Prior knowledge inside TLS negotiated as http/1.1: not HTTP/1.1, not accepted as HTTP/2.
    Wire.Reply preface =
        Wire.send(proxy.httpsPort(), new String(H2Wire.PREFACE, StandardCharsets.ISO_8859_1));
    assertThat(preface.status()).isEqualTo(505);
    assertThat(preface.closed()).isTrue();
    // An h2c upgrade inside TLS: answered as plain HTTP/1.1, Upgrade not passed on.
    Wire.Reply upgrade =
        Wire.send(
            proxy.httpsPort(),
            "GET /h2c HTTP/1.1\r\nHost: sso.example.com\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Connection: close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
    assertThat(upgrade.status()).isEqualTo(200);
    assertThat(upgrade.text()).startsWith("HTTP/1.1 200");
    assertThat(upstream.request("/h2c").headers().contains("upgrade")).isFalse();
    assertThat(upstream.request("/h2c").headers().contains("http2-settings")).isFalse();
  }

  @Test
  void thePlainHttpPortDoesNotSpeakCleartextHttp2Either() throws Exception {
    try (Socket socket = Wire.plain(proxy.httpPort())) {
      socket.getOutputStream().write(H2Wire.PREFACE);
      socket.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
      Wire.Reply reply = Wire.read(socket);
      assertThat(reply.status()).isEqualTo(505);
      assertThat(reply.closed()).isTrue();
    }
  }

  private static byte[] readSome(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      return in.readNBytes(9);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static boolean isH2Settings(byte[] frame) {
    return frame.length == 9 && frame[3] == H2Wire.SETTINGS;
  }
}
