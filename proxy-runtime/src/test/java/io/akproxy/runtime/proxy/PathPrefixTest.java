package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpVersion;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, behaviour 7: authentik's web path. */
class PathPrefixTest {

  @TempDir static Path root;
  private static Vertx vertx;
  private static AuthentikStub upstream;
  private static ProxyFixture proxy;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = AuthentikStub.plain();
    proxy =
        ProxyFixture.builder(root)
            .upstream(upstream)
            .config(c -> c.withPathPrefix("/authentik/"))
            .start();
    client = Clients.http(vertx, HttpVersion.HTTP_2);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    upstream.close();
    vertx.close();
  }

  @Test
  void forwardsPathsInsideThePrefixWithThePrefixKept() {
    upstream.clear();
    Answer answer = Answer.get(client, proxy.httpsPort(), "/authentik/if/flow/default/?next=%2F");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(upstream.last().target()).isEqualTo("/authentik/if/flow/default/?next=%2F");
  }

  @Test
  void answers404OutsideThePrefixWithoutForwarding() {
    upstream.clear();
    assertThat(Answer.get(client, proxy.httpsPort(), "/").status()).isEqualTo(404);
    assertThat(Answer.get(client, proxy.httpsPort(), "/authentikx/").status()).isEqualTo(404);
    assertThat(Answer.get(client, proxy.httpsPort(), "/authentik/../admin/").status())
        .isEqualTo(404);
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void redirectsTheBarePrefixToItsSlashForm() {
    Answer answer = Answer.get(client, proxy.httpsPort(), "/authentik?x=1");
    assertThat(answer.status()).isEqualTo(301);
    assertThat(answer.header("location")).isEqualTo("/authentik/?x=1");
  }
}
