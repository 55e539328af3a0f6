package io.akproxy.runtime.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.Forwarding;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Tls;
import io.akproxy.config.Upstream;
import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.runtime.support.TestPki;
import io.akproxy.runtime.support.UpstreamStub;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4: reloads while HTTP/1.1 keep-alive, HTTP/2 and a WebSocket are busy fail nothing and keep
 * the WebSocket open.
 */
class ReloadUnderLoadTest {

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Sends requests back to back on {@code client} until told to stop. */
  private void loop(HttpClient client, int port) {
    if (!running.get()) {
      return;
    }
    client
        .request(HttpMethod.GET, port, "localhost", "/")
        .compose(HttpClientRequest::send)
        .compose(r -> r.body().map(b -> r.statusCode()))
        .onComplete(
            done -> {
              if (done.succeeded() && done.result() == 200) {
                succeeded.incrementAndGet();
              } else {
                failed.incrementAndGet();
                failures.add(
                    done.succeeded() ? "status " + done.result() : done.cause().toString());
              }
              loop(client, port);
            });
  }

  @Test
  void reloadsFailNoRequestAndKeepTheWebSocketOpen(@TempDir Path root) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (UpstreamStub first = UpstreamStub.plain();
        UpstreamStub second = UpstreamStub.plain();
        ProxyFixture proxy = ProxyFixture.builder(root).upstream(first).reload().start()) {
      int port = proxy.httpsPort();
      PemTrustOptions trust =
          new PemTrustOptions()
              .addCertValue(io.vertx.core.buffer.Buffer.buffer(TestPki.get().rootPem()));
      HttpClient keepAlive =
          vertx
              .httpClientBuilder()
              .with(
                  new HttpClientOptions()
                      .setSsl(true)
                      .setTrustOptions(trust)
                      .setProtocolVersion(HttpVersion.HTTP_1_1))
              .with(new PoolOptions().setHttp1MaxSize(4))
              .build();
      HttpClient multiplexed = Clients.http(vertx, HttpVersion.HTTP_2);
      // Held until the end: Vert.x closes clients nobody references any more, even mid-handshake.
      WebSocketClient webSockets = Clients.webSocket(vertx);
      WebSocket ws =
          webSockets
              .connect(
                  new WebSocketConnectOptions()
                      .setHost("localhost")
                      .setPort(port)
                      .setURI("/ws/outpost/under-load/"))
              .await(10, TimeUnit.SECONDS);
      for (int i = 0; i < 4; i++) {
        loop(keepAlive, port);
        loop(multiplexed, port);
      }
      AtomicLong echoes = new AtomicLong();
      ws.textMessageHandler(text -> echoes.incrementAndGet());
      long pinger = vertx.setPeriodic(50, id -> ws.writeTextMessage("ping"));

      List<UnaryOperator<ProxyConfig>> configChanges =
          List.of(
              c -> c.withTls(withHsts(c.tls(), 600)),
              c -> c.withUpstream(withUrl(c.upstream(), second.url())),
              c -> c.withForwarding(new Forwarding(List.of("10.0.0.0/8"), false)),
              c -> c.withTls(withHsts(c.tls(), 900)));
      long applied = 0;
      for (UnaryOperator<ProxyConfig> change : configChanges) {
        TestPki.Issued leaf =
            TestPki.get().leaf(TestPki.ec(), ProxyFixture.SERVER_NAME, "localhost");
        proxy
            .tlsVolume()
            .update(
                Map.of(
                    "tls.crt",
                    TestPki.get().chainPem(leaf),
                    "tls.key",
                    TestPki.keyPem(leaf.keys().getPrivate(), TestPki.KeyFormat.PKCS8)));
        proxy.writeConfig(change.apply(proxy.config()));
        long expected = ++applied;
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> AdminProbe.reloadsApplied(proxy.adminPort()) >= expected);
        Thread.sleep(300);
      }

      running.set(false);
      vertx.cancelTimer(pinger);
      long echoed = echoes.get();
      ws.writeTextMessage("still there?");
      await().atMost(Duration.ofSeconds(5)).until(() -> echoes.get() > echoed || ws.isClosed());
      assertThat(ws.isClosed()).as("the WebSocket survived every reload").isFalse();
      assertThat(failures).as("failed requests").isEmpty();
      assertThat(failed.get()).isZero();
      assertThat(succeeded.get()).isGreaterThan(100);
      assertThat(second.received()).isNotEmpty();
      assertThat(proxy.runtime().reloadStatus().failed()).isZero();
      ws.close();
      webSockets.close();
      keepAlive.close();
      multiplexed.close();
    } finally {
      vertx.close();
    }
  }

  private static Tls withHsts(Tls tls, long maxAge) {
    return new Tls(
        tls.certFile(),
        tls.keyFile(),
        tls.minVersion(),
        tls.http2(),
        new Tls.Hsts(maxAge, false, false));
  }

  private static Upstream withUrl(Upstream u, String url) {
    return new Upstream(
        url, u.tls(), u.keepAlive(), u.connectTimeoutSeconds(), u.responseTimeoutSeconds());
  }
}
