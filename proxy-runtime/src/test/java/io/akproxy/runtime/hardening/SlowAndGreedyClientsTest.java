package io.akproxy.runtime.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.Limits;
import io.akproxy.runtime.admin.Metrics;
import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.H2Wire;
import io.akproxy.runtime.support.ProxyFixture;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, vector 3: the whole request head has a deadline however slowly its bytes trickle in,
 * idle connections are closed, and connections beyond the cap are refused cleanly.
 */
class SlowAndGreedyClientsTest {

  private static final String GET = "GET / HTTP/1.1\r\nHost: sso.example.com\r\n\r\n";

  /**
   * The head deadline where a test is about it. The listener's TLS handshake timeout is the same
   * setting, so it stays above what a handshake takes on a loaded machine, and below the 5 s that
   * {@link Wire} waits for an answer.
   */
  private static final int HEAD_DEADLINE_SECONDS = 2;

  /** The head deadline elsewhere: no handshake on a loaded machine comes near it. */
  private static final int SPARE_HEAD_DEADLINE_SECONDS = 5;

  /**
   * A proxy with these limits; the deadline tests' idle timeout is far longer than the deadline.
   */
  private static ProxyFixture start(
      Path root, CountingUpstream upstream, int headDeadline, int idle, int max) throws Exception {
    return ProxyFixture.builder(root)
        .upstreamUrl(upstream.url())
        .config(
            c -> {
              Limits l = c.limits();
              return c.withLimits(
                  new Limits(
                      l.maxHeaderBytes(),
                      l.maxRequestLineBytes(),
                      headDeadline,
                      idle,
                      max,
                      l.http2MaxConcurrentStreams()));
            })
        .start();
  }

  @Test
  void aTrickledHeadIsCutAtTheDeadlineThoughBytesKeepArriving(@TempDir Path root) throws Exception {
    try (CountingUpstream upstream = new CountingUpstream();
        ProxyFixture proxy = start(root, upstream, HEAD_DEADLINE_SECONDS, 30, 100);
        Socket socket = Wire.tls(proxy.httpsPort())) {
      // First a complete request: the deadline applies to every head, not only the first.
      Wire.write(socket, GET);
      assertThat(Wire.readResponse(socket)).startsWith("HTTP/1.1 200");
      AtomicBoolean trickling = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      // A valid head that never ends: one more header line after another, a byte every 50 ms for
      // up to 10 s, far past the deadline and never idle.
      StringBuilder endless = new StringBuilder("GET / HTTP/1.1\r\nHost: sso.example.com\r\n");
      for (int i = 0; endless.length() < 200; i++) {
        endless.append("X-").append(i).append(": y\r\n");
      }
      Thread trickler =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 200 && trickling.get(); i++) {
                    Wire.write(socket, endless.substring(i, i + 1));
                    sent.incrementAndGet();
                    Thread.sleep(50);
                  }
                } catch (IOException | InterruptedException e) {
                  // The proxy closed the connection: what this test waits for.
                }
              });
      long start = System.nanoTime();
      trickler.start();
      Wire.Reply reply = Wire.read(socket);
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      trickling.set(false);
      trickler.join();
      assertThat(reply.status()).isEqualTo(408);
      assertThat(reply.closed()).isTrue();
      assertThat(reply.lower()).contains("connection: close");
      assertThat(elapsedMillis)
          .as("cut at the deadline, not before")
          .isGreaterThanOrEqualTo(HEAD_DEADLINE_SECONDS * 1000L - 100);
      assertThat(sent.get()).as("bytes were still arriving when it was cut").isLessThan(200);
      assertThat(upstream.requests()).containsExactly("GET /");
    }
  }

  @Test
  void aConnectionThatNeverSpeaksIsClosedAtTheHeadDeadlineWithoutAnAnswer(@TempDir Path root)
      throws Exception {
    try (CountingUpstream upstream = new CountingUpstream();
        ProxyFixture proxy = start(root, upstream, HEAD_DEADLINE_SECONDS, 30, 100);
        Socket socket = Wire.tls(proxy.httpsPort())) {
      Wire.Reply reply = Wire.read(socket);
      assertThat(reply.closed()).isTrue();
      assertThat(reply.text()).isEmpty();
      assertThat(upstream.connections()).isZero();
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout(@TempDir Path root) throws Exception {
    // Idle twice as long as the head deadline: closed after the idle time, it was not the head
    // deadline (which waits for a next head's first byte) that cut it.
    int idleSeconds = 2 * HEAD_DEADLINE_SECONDS;
    try (CountingUpstream upstream = new CountingUpstream();
        ProxyFixture proxy = start(root, upstream, HEAD_DEADLINE_SECONDS, idleSeconds, 100);
        Socket socket = Wire.tls(proxy.httpsPort())) {
      Wire.write(socket, GET);
      assertThat(Wire.readResponse(socket)).startsWith("HTTP/1.1 200");
      // Wire's 5 s wait would be too close to the idle timeout.
      socket.setSoTimeout(idleSeconds * 1000 + 5000);
      long start = System.nanoTime();
      Wire.Reply rest = Wire.read(socket);
      assertThat(rest.closed()).isTrue();
      assertThat(rest.text()).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("after the idle timeout (less a second: the response was read after it was sent)")
          .isGreaterThan(Duration.ofSeconds(idleSeconds).minusSeconds(1));
    }
  }

  @Test
  void connectionsBeyondTheCapAreRefusedWith503AndServedAgainOnceOneCloses(@TempDir Path root)
      throws Exception {
    try (CountingUpstream upstream = new CountingUpstream();
        ProxyFixture proxy = start(root, upstream, SPARE_HEAD_DEADLINE_SECONDS, 30, 3)) {
      List<Socket> held = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Socket socket = Wire.tls(proxy.httpsPort());
        Wire.write(socket, GET);
        assertThat(Wire.readResponse(socket)).startsWith("HTTP/1.1 200");
        held.add(socket);
      }
      Wire.Reply refused = Wire.send(proxy.httpsPort(), GET);
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.closed()).isTrue();
      assertThat(refused.lower())
          .contains("connection: close")
          .contains("strict-transport-security:");
      assertThat(upstream.requests()).hasSize(3);

      // An HTTP/2 connection over the cap (TLS and ALPN done, so it is the proxy that sends it
      // away) is closed before any stream is answered, and counted as refused.
      String refusedSeries = "akproxy_refused_connections_total{listener=\"https\"}";
      assertThat(AdminProbe.metric(proxy.adminPort(), refusedSeries)).isEqualTo(1);
      try (H2Wire h2 = H2Wire.connect(proxy.httpsPort())) {
        try {
          h2.get(1, "/");
          h2.flush();
        } catch (IOException closedFirst) {
          // The proxy closed it before the request was written.
        }
        await().atMost(Duration.ofSeconds(10)).until(h2::closed);
        assertThat(h2.stream(1)).as("frames answering the request").isEmpty();
      }
      assertThat(AdminProbe.metric(proxy.adminPort(), refusedSeries)).isEqualTo(2);
      assertThat(upstream.requests()).hasSize(3);
      assertThat(proxy.metrics().openConnections(Metrics.Listener.HTTPS)).isEqualTo(3);

      held.get(0).close();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> proxy.metrics().openConnections(Metrics.Listener.HTTPS) == 2);
      assertThat(
              Wire.send(proxy.httpsPort(), GET.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
                  .status())
          .isEqualTo(200);
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
