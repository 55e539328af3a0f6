package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.akproxy.config.Upstream;
import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.runtime.support.StaleConnectionUpstream;
import io.akproxy.runtime.support.StaleConnectionUpstream.Mode;
import io.akproxy.runtime.support.StaleConnectionUpstream.Received;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11 §2: a request that meets a kept-alive connection authentik has closed is sent once more
 * on a new connection, as nginx does, but only when nothing can happen twice.
 */
class RetryTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
    "GET, HTTP_1_1",
    "GET, HTTP_2",
    "HEAD, HTTP_1_1",
    "OPTIONS, HTTP_2",
    "PUT, HTTP_1_1",
    "DELETE, HTTP_2"
  })
  void anIdempotentRequestWithoutBodyIsSentAgainOnANewConnection(
      HttpMethod method, HttpVersion version, @TempDir Path root) throws Exception {
    try (StaleConnectionUpstream authentik = new StaleConnectionUpstream(Mode.DROP_REUSED);
        ProxyFixture proxy = ProxyFixture.builder(root).upstreamUrl(authentik.url()).start()) {
      HttpClient client = Clients.http(vertx, version);
      assertThat(Answer.get(client, proxy.httpsPort(), "/first").status()).isEqualTo(200);

      Answer answer = send(client, proxy, method, "/second", null);

      assertThat(answer.status()).isEqualTo(200);
      List<Received> attempts = authentik.received("/second");
      assertThat(attempts)
          .extracting(Received::method)
          .containsExactly(method.name(), method.name());
      assertThat(attempts.get(1).connection())
          .as("the retry's connection")
          .isNotEqualTo(attempts.get(0).connection());
      assertThat(retries(proxy)).isEqualTo(1);
      client.close();
    }
  }

  @ParameterizedTest(name = "{0} with {1} body bytes over {2}")
  @CsvSource({"POST, 5, HTTP_1_1", "POST, 0, HTTP_2", "PUT, 5, HTTP_1_1", "DELETE, 5, HTTP_2"})
  void aRequestThatIsNotIdempotentOrCarriesABodyIsNeverSentTwice(
      HttpMethod method, int bodyBytes, HttpVersion version, @TempDir Path root) throws Exception {
    try (StaleConnectionUpstream authentik = new StaleConnectionUpstream(Mode.DROP_REUSED);
        ProxyFixture proxy = ProxyFixture.builder(root).upstreamUrl(authentik.url()).start()) {
      HttpClient client = Clients.http(vertx, version);
      assertThat(Answer.get(client, proxy.httpsPort(), "/first").status()).isEqualTo(200);

      Answer answer = send(client, proxy, method, "/second", Buffer.buffer("x".repeat(bodyBytes)));

      assertThat(answer.status()).isEqualTo(502);
      assertThat(authentik.received("/second")).hasSize(1);
      assertThat(retries(proxy)).isZero();
      client.close();
    }
  }

  @Test
  void anAnswerThatHadBegunIsNeverAskedForAgain(@TempDir Path root) throws Exception {
    try (StaleConnectionUpstream authentik = new StaleConnectionUpstream(Mode.CUT_REUSED);
        ProxyFixture proxy = ProxyFixture.builder(root).upstreamUrl(authentik.url()).start()) {
      HttpClient client = Clients.http(vertx, HttpVersion.HTTP_2);
      assertThat(Answer.get(client, proxy.httpsPort(), "/first").status()).isEqualTo(200);

      assertThatThrownBy(() -> Answer.get(client, proxy.httpsPort(), "/second"))
          .as("the answer cut off after its head")
          .isInstanceOf(IllegalStateException.class);
      assertThat(authentik.received("/second")).hasSize(1);
      assertThat(retries(proxy)).isZero();
      client.close();
    }
  }

  /** Even the first bytes of a head are an answer that began: authentik did get the request. */
  @ParameterizedTest
  @EnumSource(
      value = HttpVersion.class,
      names = {"HTTP_1_1", "HTTP_2"})
  void aRequestWhoseAnswerHadBegunArrivingIsNeverSentAgain(HttpVersion version, @TempDir Path root)
      throws Exception {
    try (StaleConnectionUpstream authentik =
            new StaleConnectionUpstream(Mode.PART_OF_A_HEAD_REUSED);
        ProxyFixture proxy = ProxyFixture.builder(root).upstreamUrl(authentik.url()).start()) {
      HttpClient client = Clients.http(vertx, version);
      assertThat(Answer.get(client, proxy.httpsPort(), "/first").status()).isEqualTo(200);

      assertThat(Answer.get(client, proxy.httpsPort(), "/second").status()).isEqualTo(502);
      assertThat(authentik.received("/second")).hasSize(1);
      assertThat(retries(proxy)).isZero();
      client.close();
    }
  }

  @Test
  void aRetryIsSentOnceAndNoMore(@TempDir Path root) throws Exception {
    try (StaleConnectionUpstream authentik = new StaleConnectionUpstream(Mode.ANSWER_ONLY_FIRST);
        ProxyFixture proxy = ProxyFixture.builder(root).upstreamUrl(authentik.url()).start()) {
      HttpClient client = Clients.http(vertx, HttpVersion.HTTP_1_1);
      assertThat(Answer.get(client, proxy.httpsPort(), "/first").status()).isEqualTo(200);

      assertThat(Answer.get(client, proxy.httpsPort(), "/second").status()).isEqualTo(502);
      assertThat(authentik.received("/second")).hasSize(2);
      assertThat(retries(proxy)).isEqualTo(1);
      client.close();
    }
  }

  @Test
  void aNewConnectionThatFailsIsNotRetried(@TempDir Path root) throws Exception {
    try (StaleConnectionUpstream authentik = new StaleConnectionUpstream(Mode.DROP_ALL);
        ProxyFixture proxy = ProxyFixture.builder(root).upstreamUrl(authentik.url()).start()) {
      HttpClient client = Clients.http(vertx, HttpVersion.HTTP_1_1);

      assertThat(Answer.get(client, proxy.httpsPort(), "/only").status()).isEqualTo(502);
      assertThat(authentik.received("/only")).hasSize(1);
      assertThat(retries(proxy)).isZero();
      client.close();
    }
  }

  @Test
  void aRequestAuthentikIsStillWorkingOnIsNotRetriedWhenItTimesOut(@TempDir Path root)
      throws Exception {
    try (StaleConnectionUpstream authentik = new StaleConnectionUpstream(Mode.HOLD_REUSED);
        ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstreamUrl(authentik.url())
                // Short, but the first request's answer must still come within it when loaded.
                .config(c -> c.withUpstream(responseTimeout(c.upstream(), 3)))
                .start()) {
      HttpClient client = Clients.http(vertx, HttpVersion.HTTP_1_1);
      assertThat(Answer.get(client, proxy.httpsPort(), "/first").status()).isEqualTo(200);

      assertThat(Answer.get(client, proxy.httpsPort(), "/second").status()).isEqualTo(504);
      assertThat(authentik.received("/second")).hasSize(1);
      assertThat(retries(proxy)).isZero();
      client.close();
    }
  }

  private static Answer send(
      HttpClient client, ProxyFixture proxy, HttpMethod method, String uri, Buffer body) {
    return Answer.send(client, Answer.request(method, proxy.httpsPort(), uri), body);
  }

  private static long retries(ProxyFixture proxy) {
    return AdminProbe.metric(proxy.adminPort(), "akproxy_upstream_retries_total");
  }

  private static Upstream responseTimeout(Upstream u, int seconds) {
    return new Upstream(u.url(), u.tls(), u.keepAlive(), u.connectTimeoutSeconds(), seconds);
  }
}
