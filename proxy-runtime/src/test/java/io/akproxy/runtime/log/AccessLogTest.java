package io.akproxy.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.AccessLog;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, behaviour 10: one JSON line per request, without secrets. */
class AccessLogTest {

  @Test
  void logsOneLinePerRequestWithoutQueryCookiesOrCredentials(@TempDir Path root) throws Exception {
    Vertx vertx = Vertx.vertx();
    // Held in locals used to the end: Vert.x closes clients nobody references any more.
    HttpClient h2 = Clients.http(vertx, HttpVersion.HTTP_2);
    HttpClient plain = Clients.plainHttp(vertx);
    try (AuthentikStub upstream = AuthentikStub.plain();
        ProxyFixture proxy = ProxyFixture.builder(root).upstream(upstream).start()) {
      Answer answer =
          Answer.send(
              h2,
              Answer.request(
                      HttpMethod.GET,
                      proxy.httpsPort(),
                      "/application/o/token/?code=SECRETCODE&state=xyz")
                  .putHeader("cookie", "authentik_session=SECRETSESSION")
                  .putHeader("authorization", "Bearer SECRETTOKEN")
                  .putHeader("user-agent", "test-agent/1.0"),
              null);
      Answer.get(plain, proxy.httpPort(), "/redirect?token=SECRETTOKEN2");
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.accessLines().size() == 2);

      String https = proxy.accessLines().get(0);
      assertThat(String.join("\n", proxy.accessLines()))
          .doesNotContain("SECRET")
          .doesNotContain("state=");
      JsonObject line = new JsonObject(https);
      assertThat(line.getString("listener")).isEqualTo("https");
      assertThat(line.getString("method")).isEqualTo("GET");
      assertThat(line.getString("path")).isEqualTo("/application/o/token/");
      assertThat(line.getString("protocol")).isEqualTo("HTTP/2");
      assertThat(line.getInteger("status")).isEqualTo(200);
      assertThat(line.getString("peer")).isEqualTo("127.0.0.1");
      assertThat(line.getString("userAgent")).isEqualTo("test-agent/1.0");
      assertThat(line.getLong("bytes")).isEqualTo(answer.body().length()).isPositive();
      assertThat(line.getDouble("upstreamMs")).isPositive();
      assertThat(line.getDouble("durationMs")).isGreaterThanOrEqualTo(line.getDouble("upstreamMs"));
      JsonObject redirect = new JsonObject(proxy.accessLines().get(1));
      assertThat(redirect.getString("listener")).isEqualTo("http");
      assertThat(redirect.getInteger("status")).isEqualTo(301);
      assertThat(redirect.getString("path")).isEqualTo("/redirect");
    } finally {
      h2.close();
      plain.close();
      vertx.close();
    }
  }

  @Test
  void logsNothingWhenSwitchedOff(@TempDir Path root) throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpClient h1 = Clients.http(vertx, HttpVersion.HTTP_1_1);
    try (AuthentikStub upstream = AuthentikStub.plain()) {
      ProxyFixture proxy =
          ProxyFixture.builder(root)
              .upstream(upstream)
              .config(c -> c.withAccessLog(new AccessLog(false)))
              .start();
      try {
        assertThat(Answer.get(h1, proxy.httpsPort(), "/").status()).isEqualTo(200);
      } finally {
        proxy.close();
      }
      // Closed, the runtime has handed the access log every line it had, and the log has written
      // them all: a line for that request would be here now.
      assertThat(proxy.accessLines()).isEmpty();
    } finally {
      h1.close();
      vertx.close();
    }
  }
}
