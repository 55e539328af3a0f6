package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.Limits;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Upstream;
import io.akproxy.runtime.support.H2Wire;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.authentik.Received;
import io.akproxy.testkit.time.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 §1: the keep-alive pool to authentik sheds the connections recent demand no longer
 * needs, and never one it has already handed to the next request.
 */
class UpstreamPoolTest {

  private static final int BIG = 1 << 20;
  private static final int WIDE_OPEN = 1 << 30;

  /**
   * Exchange X's answer from authentik is complete, so the pool hands X's connection to request Y,
   * while X's client has not read X's answer yet (its HTTP/2 window is shut). When X finally ends,
   * demand has fallen (Z and W are done) and X's connection looks surplus: closing it then would
   * cut Y's download off mid-body. This was the 502 burst at every turn of the demand window.
   */
  @Test
  void aConnectionHandedToTheNextRequestIsNeverClosedUnderIt(@TempDir Path root) throws Exception {
    ManualClock clock = ManualClock.startingNow();
    try (AuthentikStub authentik = AuthentikStub.plain();
        ProxyFixture proxy =
            ProxyFixture.builder(root)
                .clock(clock)
                .upstreamUrl(authentik.url())
                // Three connections at most (the pool's cap follows limits.maxConnections), one
                // of them allowed idle beyond demand.
                .config(c -> withPool(c, 3, 1))
                .start();
        H2Wire client = H2Wire.connect(proxy.httpsPort(), 1)) {
      int z = 1;
      int w = 3;
      int x = 5;
      int y = 7;
      // Z and W hold two connections: their answers wait for windows that stay (all but) shut.
      client.get(z, "/_stub/big?bytes=" + BIG + "&z");
      client.get(w, "/_stub/big?bytes=" + BIG + "&w");
      client.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> authentik.requestCount() == 2);
      // X takes the third; authentik answers it in full, but X's client reads nothing yet.
      client.get(x, "/x");
      client.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> client.stream(x).size() > 0);
      // Y gets X's connection: the only one not busy, as soon as X's answer was read.
      client.get(y, "/_stub/big?bytes=" + BIG + "&y");
      client.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> authentik.requestCount() == 4);
      Received xAtAuthentik = authentik.request("/x");
      Received yAtAuthentik = authentik.request("/_stub/big?bytes=" + BIG + "&y");
      assertThat(yAtAuthentik.connection())
          .as("Y was sent on X's connection")
          .isEqualTo(xAtAuthentik.connection());

      // Z and W end: demand falls to Y (and X, still unread).
      client.windowUpdate(0, WIDE_OPEN);
      client.windowUpdate(z, WIDE_OPEN);
      client.windowUpdate(w, WIDE_OPEN);
      await().atMost(Duration.ofSeconds(20)).until(() -> client.ended(z) && client.ended(w));
      assertThat(client.dataBytes(z)).isEqualTo(BIG);
      assertThat(client.dataBytes(w)).isEqualTo(BIG);
      // Long enough that the demand of Z and W has left the pool's window.
      clock.advance(Duration.ofMillis(2 * UpstreamClient.DEMAND_WINDOW_MILLIS + 1));

      // X's client reads X: its exchange is over, on a connection Y is using.
      client.windowUpdate(x, WIDE_OPEN);
      await().atMost(Duration.ofSeconds(10)).until(() -> client.ended(x));
      client.windowUpdate(y, WIDE_OPEN);
      await().atMost(Duration.ofSeconds(20)).until(() -> client.ended(y));

      assertThat(client.stream(y)).as("Y's frames").noneMatch(f -> f.type() == H2Wire.RST_STREAM);
      assertThat(client.dataBytes(y)).isEqualTo(BIG);
    }
  }

  private static ProxyConfig withPool(ProxyConfig c, int maxConnections, int maxIdle) {
    Limits l = c.limits();
    Upstream u = c.upstream();
    return c.withLimits(
            new Limits(
                l.maxHeaderBytes(),
                l.maxRequestLineBytes(),
                l.headerTimeoutSeconds(),
                l.idleTimeoutSeconds(),
                maxConnections,
                l.http2MaxConcurrentStreams()))
        .withUpstream(
            new Upstream(
                u.url(),
                u.tls(),
                new Upstream.KeepAlive(maxIdle, 60),
                u.connectTimeoutSeconds(),
                u.responseTimeoutSeconds()));
  }
}
