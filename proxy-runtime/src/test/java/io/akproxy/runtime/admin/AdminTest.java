package io.akproxy.runtime.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.akproxy.config.Shutdown;
import io.akproxy.runtime.server.TlsEngine;
import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.time.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, behaviour 9 (and the in-process half of 11): the admin listener. */
class AdminTest {

  private static Vertx vertx;
  private static HttpClient admin;
  private static HttpClient https;

  @BeforeAll
  static void clients() {
    vertx = Vertx.vertx();
    admin = Clients.plainHttp(vertx);
    https = Clients.http(vertx, HttpVersion.HTTP_2);
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @Test
  void reportsHealthMetricsAndStatus(@TempDir Path root) throws Exception {
    try (AuthentikStub upstream = AuthentikStub.plain();
        ProxyFixture proxy = ProxyFixture.builder(root).upstream(upstream).start()) {
      assertThat(Answer.get(admin, proxy.adminPort(), "/healthz").status()).isEqualTo(200);
      assertThat(Answer.get(admin, proxy.adminPort(), "/readyz").status()).isEqualTo(200);
      assertThat(Answer.get(admin, proxy.adminPort(), "/nothing").status()).isEqualTo(404);
      assertThat(
              Answer.send(
                      admin, Answer.request(HttpMethod.POST, proxy.adminPort(), "/readyz"), null)
                  .status())
          .isEqualTo(405);

      Answer.get(https, proxy.httpsPort(), "/");
      Answer.get(https, proxy.httpsPort(), "/");
      Answer.get(https, proxy.httpsPort(), "/_stub/status/404");
      Answer.get(admin, proxy.httpPort(), "/");

      Answer metrics = Answer.get(admin, proxy.adminPort(), "/metrics");
      assertThat(metrics.header("content-type")).startsWith("text/plain; version=0.0.4");
      String hash = proxy.runtime().current().loaded().configHash();
      long notAfter =
          proxy.runtime().current().loaded().certificate().info().notAfter().getEpochSecond();
      assertThat(metrics.body())
          .contains("akproxy_requests_total{listener=\"https\",class=\"2xx\"} 2\n")
          .contains("akproxy_requests_total{listener=\"https\",class=\"4xx\"} 1\n")
          .contains("akproxy_requests_total{listener=\"http\",class=\"3xx\"} 1\n")
          .contains("akproxy_upstream_latency_seconds_count 3\n")
          .contains("akproxy_upstream_latency_seconds_bucket{le=\"+Inf\"} 3\n")
          .contains("akproxy_open_connections{listener=\"https\"} 1\n")
          .contains("akproxy_websocket_sessions 0\n")
          .contains("akproxy_upstream_errors_total{kind=\"connect\"} 0\n")
          .contains("akproxy_reloads_total{result=\"applied\"} 0\n")
          .contains("akproxy_reloads_total{result=\"failed\"} 0\n")
          .contains("akproxy_config_info{hash=\"" + hash + "\"} 1\n")
          .contains("akproxy_certificate_not_after_seconds " + notAfter + "\n")
          .contains("akproxy_tls_engine_info{engine=\"" + proxy.runtime().tlsEngine() + "\"} 1\n")
          .contains(
              "akproxy_transport_info{transport=\"" + proxy.runtime().transport() + "\"} 1\n");

      JsonObject status = new JsonObject(Answer.get(admin, proxy.adminPort(), "/status").body());
      assertThat(status.fieldNames())
          .containsExactlyInAnyOrder(
              "configHash",
              "serverNames",
              "certificate",
              "lastReload",
              "reloads",
              "restartRequired",
              "tlsEngine",
              "transport",
              "overrides");
      assertThat(status.getString("configHash"))
          .isEqualTo(hash)
          .isEqualTo(proxy.config().hash())
          .matches("sha256:[0-9a-f]{64}");
      assertThat(status.getJsonArray("serverNames").getList()).containsExactly("sso.example.com");
      JsonObject certificate = status.getJsonObject("certificate");
      assertThat(certificate.getString("serial"))
          .isEqualTo(proxy.runtime().current().loaded().certificate().info().serial())
          .matches("[0-9a-f]+");
      assertThat(Instant.parse(certificate.getString("notAfter")).getEpochSecond())
          .isEqualTo(notAfter);
      assertThat(Instant.parse(certificate.getString("notBefore"))).isBefore(Instant.now());
      assertThat(certificate.getJsonArray("dnsNames").getList())
          .containsExactly("sso.example.com", "localhost");
      JsonObject lastReload = status.getJsonObject("lastReload");
      assertThat(lastReload.getString("result")).isEqualTo("ok");
      assertThat(lastReload.containsKey("error")).isTrue();
      assertThat(lastReload.getString("error")).isNull();
      assertThat(status.getJsonObject("reloads"))
          .isEqualTo(new JsonObject().put("applied", 0).put("failed", 0));
      assertThat(status.getBoolean("restartRequired")).isFalse();
      assertThat(status.getString("tlsEngine")).isIn("openssl", "jdk");
      assertThat(status.getString("transport")).isIn("epoll", "nio");
      assertThat(status.getJsonObject("overrides")).isEqualTo(new JsonObject());
    }
  }

  @Test
  void aNativeFallbackIsVisibleInStatusAndMetrics(@TempDir Path root) throws Exception {
    // What an arm64 pod without its natives would run: the JDK's TLS and NIO.
    try (ProxyFixture fallback =
        ProxyFixture.builder(root).engine(TlsEngine.JDK).nativeTransport(false).start()) {
      JsonObject status = AdminProbe.status(fallback.adminPort());
      assertThat(status.getString("tlsEngine")).isEqualTo("jdk");
      assertThat(status.getString("transport")).isEqualTo("nio");
      assertThat(AdminProbe.metrics(fallback.adminPort()))
          .contains("akproxy_tls_engine_info{engine=\"jdk\"} 1\n")
          .contains("akproxy_transport_info{transport=\"nio\"} 1\n");
    }
  }

  @Test
  void onLinuxTheNativesLoad(@TempDir Path root) throws Exception {
    assumeTrue(
        System.getProperty("os.name").equals("Linux")
            && List.of("amd64", "aarch64").contains(System.getProperty("os.arch")));
    try (ProxyFixture proxy = ProxyFixture.builder(root).start()) {
      JsonObject status = AdminProbe.status(proxy.adminPort());
      assertThat(status.getString("tlsEngine")).isEqualTo("openssl");
      assertThat(status.getString("transport")).isEqualTo("epoll");
    }
  }

  @Test
  void drainsInFlightRequestsAndIsNotReadyWhileShuttingDown(@TempDir Path root) throws Exception {
    try (AuthentikStub upstream = AuthentikStub.plain();
        ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstream(upstream)
                .config(c -> c.withShutdown(new Shutdown(0, 5)))
                .start()) {
      Future<Integer> inFlight =
          https
              .request(HttpMethod.GET, proxy.httpsPort(), "localhost", "/_stub/gate")
              .compose(HttpClientRequest::send)
              .compose(r -> r.body().map(b -> r.statusCode()));
      Await.until(
          "the request waits at authentik", Duration.ofSeconds(10), () -> upstream.atGate() == 1);
      Future<Void> stopped = proxy.runtime().shutdown();
      assertThat(Answer.get(admin, proxy.adminPort(), "/readyz").status()).isEqualTo(503);
      assertThat(Answer.get(admin, proxy.adminPort(), "/healthz").status()).isEqualTo(200);
      upstream.openGate();
      assertThat(inFlight.await(5, TimeUnit.SECONDS)).isEqualTo(200);
      stopped.await(10, TimeUnit.SECONDS);
    }
  }
}
