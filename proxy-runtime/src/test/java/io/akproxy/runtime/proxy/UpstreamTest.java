package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Upstream;
import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.pki.CertificateAuthority;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.time.Await;
import io.akproxy.testkit.time.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, behaviour 4: the connection to authentik. */
class UpstreamTest {

  private static Vertx vertx;
  private static HttpClient h1;
  private static HttpClient h2;

  @BeforeAll
  static void clients() {
    vertx = Vertx.vertx();
    h1 = Clients.http(vertx, HttpVersion.HTTP_1_1);
    h2 = Clients.http(vertx, HttpVersion.HTTP_2);
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  private static UnaryOperator<ProxyConfig> upstream(UnaryOperator<Upstream> change) {
    return c -> c.withUpstream(change.apply(c.upstream()));
  }

  private static Upstream keepAlive(Upstream u, int idle) {
    return new Upstream(
        u.url(),
        u.tls(),
        new Upstream.KeepAlive(idle, 30),
        u.connectTimeoutSeconds(),
        u.responseTimeoutSeconds());
  }

  private static Upstream tls(Upstream u, boolean verify, String caFile, String serverName) {
    return new Upstream(
        u.url(),
        new Upstream.UpstreamTls(verify, caFile, serverName),
        u.keepAlive(),
        u.connectTimeoutSeconds(),
        u.responseTimeoutSeconds());
  }

  private static Upstream timeouts(Upstream u, int connect, int response) {
    return new Upstream(u.url(), u.tls(), u.keepAlive(), connect, response);
  }

  @Test
  void reusesKeptAliveConnectionsAndKeepsAtMostTheConfiguredNumberIdleBeyondRecentDemand(
      @TempDir Path root) throws Exception {
    ManualClock clock = ManualClock.startingNow();
    try (AuthentikStub upstream = AuthentikStub.plain();
        ProxyFixture proxy =
            ProxyFixture.builder(root)
                .clock(clock)
                .upstream(upstream)
                .config(upstream(u -> keepAlive(u, 2)))
                .start()) {
      for (int i = 0; i < 10; i++) {
        assertThat(Answer.get(h1, proxy.httpsPort(), "/").status()).isEqualTo(200);
      }
      assertThat(upstream.connectionsOpened()).isEqualTo(1);

      // Eight at once need eight connections (keep-alive never caps concurrency, as in nginx),
      // and a burst keeps them while it lasts instead of reconnecting for every request. The eight
      // wait at authentik's gate until all of them are there: in flight together, whatever the
      // machine's speed.
      List<Future<Integer>> concurrent = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        concurrent.add(
            h2.request(HttpMethod.GET, proxy.httpsPort(), "localhost", "/_stub/gate")
                .compose(HttpClientRequest::send)
                .compose(r -> r.body().map(b -> r.statusCode())));
      }
      Await.until(
          "eight requests at authentik at once",
          Duration.ofSeconds(10),
          () -> upstream.atGate() == 8);
      upstream.openGate();
      for (Future<Integer> status : concurrent) {
        assertThat(status.await(10, TimeUnit.SECONDS)).isEqualTo(200);
      }
      assertThat(upstream.connectionsOpened()).isEqualTo(8);
      assertThat(upstream.openConnections()).isEqualTo(8);

      // ...but once a whole demand window has passed without it, what is released beyond one busy
      // connection plus the two idle ones allowed is closed, and nothing new is opened.
      clock.advance(Duration.ofMillis(2 * UpstreamClient.DEMAND_WINDOW_MILLIS + 1));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                assertThat(Answer.get(h1, proxy.httpsPort(), "/").status()).isEqualTo(200);
                return upstream.openConnections() == 3;
              });
      assertThat(upstream.connectionsOpened()).isEqualTo(8);
    }
  }

  @Test
  void speaksTlsWithoutVerificationByDefault(@TempDir Path root) throws Exception {
    try (AuthentikStub upstream = ProxyFixture.httpsUpstream();
        ProxyFixture proxy = ProxyFixture.builder(root).upstream(upstream).start()) {
      assertThat(Answer.get(h2, proxy.httpsPort(), "/").status()).isEqualTo(200);
      assertThat(upstream.last().version()).isEqualTo("HTTP/1.1");
    }
  }

  @Test
  void verifiesAgainstTheCaFileWithTheServerNameAsSni(@TempDir Path root) throws Exception {
    Path ca =
        Files.writeString(
            root.resolve("ca.crt"), CertificateAuthority.sharedIntermediate().rootPem());
    try (AuthentikStub upstream = ProxyFixture.httpsUpstream();
        ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstream(upstream)
                .config(upstream(u -> tls(u, true, ca.toString(), ProxyFixture.UPSTREAM_HOST)))
                .start()) {
      assertThat(Answer.get(h1, proxy.httpsPort(), "/").status()).isEqualTo(200);
      assertThat(upstream.last().serverName()).isEqualTo(ProxyFixture.UPSTREAM_HOST);
      assertThat(upstream.last().header("host")).isEqualTo("localhost:" + proxy.httpsPort());
    }
  }

  @Test
  void refusesAnUpstreamItCannotVerify(@TempDir Path root) throws Exception {
    // Not a CA of the stub's chain.
    Issued stranger =
        CertificateAuthority.sharedIntermediate().issue(Certificates.forHosts("stranger.test"));
    Path wrongCa = Files.writeString(root.resolve("wrong.crt"), stranger.certificatePem());
    Path rightCa =
        Files.writeString(
            root.resolve("ca.crt"), CertificateAuthority.sharedIntermediate().rootPem());
    try (AuthentikStub upstream = ProxyFixture.httpsUpstream()) {
      for (UnaryOperator<Upstream> change :
          List.<UnaryOperator<Upstream>>of(
              u -> tls(u, true, rightCa.toString(), "other.test"),
              u -> tls(u, true, wrongCa.toString(), ProxyFixture.UPSTREAM_HOST))) {
        Path dir = Files.createTempDirectory(root, "proxy");
        try (ProxyFixture proxy =
            ProxyFixture.builder(dir).upstream(upstream).config(upstream(change)).start()) {
          Answer answer = Answer.get(h1, proxy.httpsPort(), "/");
          assertThat(answer.status()).isEqualTo(502);
          assertThat(answer.body()).startsWith("502 Bad Gateway");
        }
      }
      assertThat(upstream.received()).isEmpty();
    }
  }

  @Test
  void answers502WhenAuthentikCannotBeReachedInTime(@TempDir Path root) throws Exception {
    // Accepts TCP (the kernel does) but never completes a TLS handshake.
    try (ServerSocket silent = new ServerSocket(0);
        ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstreamUrl("https://127.0.0.1:" + silent.getLocalPort())
                .config(upstream(u -> timeouts(u, 1, 60)))
                .start()) {
      long start = System.nanoTime();
      Answer answer = Answer.get(h1, proxy.httpsPort(), "/");
      assertThat(answer.status()).isEqualTo(502);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void answers504WhenAuthentikDoesNotAnswerInTime(@TempDir Path root) throws Exception {
    try (AuthentikStub upstream = AuthentikStub.plain();
        ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstream(upstream)
                // Room for the last request's answer on a loaded machine, and far from the slow
                // answer, so that a stalled event loop cannot read it before the timeout fires.
                .config(upstream(u -> timeouts(u, 2, 3)))
                .start()) {
      Answer answer = Answer.get(h2, proxy.httpsPort(), "/_stub/slow?ms=8000");
      assertThat(answer.status()).isEqualTo(504);
      assertThat(answer.body())
          .isEqualTo("504 Gateway Timeout: authentik did not answer in time\n");
      assertThat(
              AdminProbe.metric(
                  proxy.adminPort(), "akproxy_upstream_errors_total{kind=\"timeout\"}"))
          .as("counted as a timeout")
          .isEqualTo(1);
      assertThat(
              AdminProbe.metric(
                  proxy.adminPort(), "akproxy_requests_total{listener=\"https\",class=\"5xx\"}"))
          .isEqualTo(1);
      assertThat(Answer.get(h2, proxy.httpsPort(), "/").status()).isEqualTo(200);
    }
  }

  @Test
  void answers502WhileAuthentikIsDownAndRecoversWhenItReturns(@TempDir Path root) throws Exception {
    try (AuthentikStub upstream = AuthentikStub.plain();
        ProxyFixture proxy = ProxyFixture.builder(root).upstream(upstream).start()) {
      assertThat(Answer.get(h1, proxy.httpsPort(), "/").status()).isEqualTo(200);
      upstream.stop();
      assertThat(Answer.get(h1, proxy.httpsPort(), "/").status()).isEqualTo(502);
      upstream.restart();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> Answer.get(h1, proxy.httpsPort(), "/").status() == 200);
    }
  }

  @Test
  void streamsBodiesWithTheFramingHttp11Needs(@TempDir Path root) throws Exception {
    try (AuthentikStub upstream = AuthentikStub.plain();
        ProxyFixture proxy = ProxyFixture.builder(root).upstream(upstream).start()) {
      Buffer large = Buffer.buffer("x".repeat(300_000));
      for (HttpClient client : new HttpClient[] {h1, h2}) {
        Answer echoed =
            Answer.send(
                client, Answer.request(HttpMethod.POST, proxy.httpsPort(), "/_stub/body"), large);
        assertThat(echoed.body()).isEqualTo(large.toString());
        assertThat(upstream.last().header("content-length")).isEqualTo("300000");
      }

      // A chunked upload stays chunked.
      String chunked =
          h1.request(HttpMethod.POST, proxy.httpsPort(), "localhost", "/_stub/body")
              .compose(
                  request -> {
                    request.setChunked(true);
                    request.write("first,");
                    request.write("second");
                    return request.end().compose(v -> request.response());
                  })
              .compose(r -> r.body())
              .await(10, TimeUnit.SECONDS)
              .toString();
      assertThat(chunked).isEqualTo("first,second");
      assertThat(upstream.last().header("transfer-encoding")).isEqualTo("chunked");

      // An HTTP/2 GET carries no body, so it is forwarded with no framing headers at all.
      Answer.get(h2, proxy.httpsPort(), "/");
      assertThat(upstream.last().header("transfer-encoding")).isNull();
      assertThat(upstream.last().header("content-length")).isNull();
    }
  }

  @Test
  void stripsHopByHopResponseHeadersSoHttp2ClientsAcceptTheAnswer(@TempDir Path root)
      throws Exception {
    try (AuthentikStub upstream = AuthentikStub.plain();
        ProxyFixture proxy = ProxyFixture.builder(root).upstream(upstream).start()) {
      for (HttpClient client : new HttpClient[] {h1, h2}) {
        Answer answer = Answer.get(client, proxy.httpsPort(), "/_stub/hop");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("hop");
        assertThat(answer.headers().names()).doesNotContain("x-drop-me", "keep-alive");
        assertThat(answer.header("x-upstream")).isEqualTo("authentik-stub");
      }
      Answer head = Answer.send(h1, Answer.request(HttpMethod.HEAD, proxy.httpsPort(), "/"), null);
      assertThat(head.status()).isEqualTo(200);
      // authentik's length of the body a GET would get, though none follows.
      assertThat(Integer.parseInt(head.header("content-length"))).isPositive();
      assertThat(head.body()).isEmpty();
    }
  }
}
