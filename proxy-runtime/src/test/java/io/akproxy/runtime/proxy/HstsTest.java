package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.Tls;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, behaviour 2: HSTS on every HTTPS response, errors and upgrades included. */
class HstsTest {

  private static final String SEED = "max-age=63072000";

  @TempDir static Path root;
  private static Vertx vertx;
  private static AuthentikStub upstream;
  private static ProxyFixture proxy;
  private static HttpClient h1;
  private static HttpClient h2;
  private static HttpClient plain;
  private static WebSocketClient webSockets;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = AuthentikStub.plain();
    proxy =
        ProxyFixture.builder(root)
            .upstream(upstream)
            .config(c -> c.withPathPrefix("/authentik/"))
            .start();
    h1 = Clients.http(vertx, HttpVersion.HTTP_1_1);
    h2 = Clients.http(vertx, HttpVersion.HTTP_2);
    // Held in fields: Vert.x closes clients nobody references any more, even mid-request.
    plain = Clients.plainHttp(vertx);
    webSockets = Clients.webSocket(vertx);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    upstream.close();
    vertx.close();
  }

  @Test
  void onProxiedResponsesReplacingAuthentiksOwn() {
    for (HttpClient client : new HttpClient[] {h1, h2}) {
      // authentik answers with an HSTS header of its own (max-age=1).
      Answer ok = Answer.get(client, proxy.httpsPort(), "/authentik/_stub/hop");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.headers().getAll("strict-transport-security")).containsExactly(SEED);
    }
  }

  @Test
  void onErrorsTheProxyAnswersItself() {
    Answer notFound = Answer.get(h2, proxy.httpsPort(), "/elsewhere");
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.header("strict-transport-security")).isEqualTo(SEED);
    Answer redirect = Answer.get(h1, proxy.httpsPort(), "/authentik");
    assertThat(redirect.status()).isEqualTo(301);
    assertThat(redirect.header("strict-transport-security")).isEqualTo(SEED);
  }

  @Test
  void onUpstreamFailures(@TempDir Path other) {
    try (ProxyFixture dead =
        ProxyFixture.builder(other).upstreamUrl("http://127.0.0.1:9").start()) {
      Answer failed = Answer.get(h1, dead.httpsPort(), "/");
      assertThat(failed.status()).isEqualTo(502);
      assertThat(failed.header("strict-transport-security")).isEqualTo(SEED);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void onRequestsTheDecoderRejects() {
    Answer tooLarge =
        Answer.send(
            h1,
            Answer.request(HttpMethod.GET, proxy.httpsPort(), "/authentik/")
                .putHeader("x-big", "a".repeat(10_000)),
            null);
    assertThat(tooLarge.status()).isEqualTo(431);
    assertThat(tooLarge.header("strict-transport-security")).isEqualTo(SEED);
  }

  @Test
  void onWebSocketUpgrades() throws Exception {
    WebSocket ws =
        webSockets
            .connect(
                new WebSocketConnectOptions()
                    .setPort(proxy.httpsPort())
                    .setHost("localhost")
                    .setURI("/authentik/ws/client/"))
            .await(10, TimeUnit.SECONDS);
    assertThat(ws.headers().get("strict-transport-security")).isEqualTo(SEED);
    ws.close();
  }

  @Test
  void withIncludeSubDomainsAndPreloadWhenConfigured(@TempDir Path other) {
    try (ProxyFixture preload =
        ProxyFixture.builder(other)
            .upstream(upstream)
            .config(
                c ->
                    c.withTls(
                        new Tls(
                            c.tls().certFile(),
                            c.tls().keyFile(),
                            c.tls().minVersion(),
                            true,
                            new Tls.Hsts(31_536_000, true, true))))
            .start()) {
      assertThat(Answer.get(h2, preload.httpsPort(), "/").header("strict-transport-security"))
          .isEqualTo("max-age=31536000; includeSubDomains; preload");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void neverOnPlainHttp() {
    Answer redirect = Answer.get(plain, proxy.httpPort(), "/");
    assertThat(redirect.status()).isEqualTo(301);
    assertThat(redirect.header("strict-transport-security")).isNull();
  }
}
