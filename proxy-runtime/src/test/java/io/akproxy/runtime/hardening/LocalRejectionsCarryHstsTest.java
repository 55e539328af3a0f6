package io.akproxy.runtime.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.Limits;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Upstream;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18 §3: every status the proxy answers itself on HTTPS carries the HSTS header, as proxied
 * answers do: a browser that meets the site first through an error page must still learn to come
 * back over HTTPS only.
 */
class LocalRejectionsCarryHstsTest {

  private static final String HSTS = "strict-transport-security: max-age=63072000";
  private static final String HOST = "Host: sso.example.com\r\n";

  /**
   * The head deadline and response timeout: the 408 and 504 come within {@link Wire}'s 5 s wait for
   * an answer, and the head deadline, which is also the listener's TLS handshake timeout, stays
   * above what a handshake takes on a loaded machine.
   */
  private static final int SHORT_SECONDS = 2;

  @TempDir static Path root;
  private static AuthentikStub authentik;
  private static ProxyFixture proxy;

  @BeforeAll
  static void start() throws Exception {
    authentik = AuthentikStub.plain();
    proxy =
        ProxyFixture.builder(root.resolve("proxy"))
            .upstreamUrl(authentik.url())
            .config(c -> shortTimeouts(c, 100))
            .start();
  }

  @AfterAll
  static void stop() {
    proxy.close();
    authentik.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {400, 408, 414, 431, 501, 502, 503, 504, 505})
  void aLocalRejectionCarriesHsts(int status, @TempDir Path other) throws Exception {
    Wire.Reply reply = provoke(status, other);

    // HTTP/1.0's 505 answers in HTTP/1.0.
    assertThat(reply.text()).matches("(?s)HTTP/1\\.[01] " + status + " .*");
    assertThat(reply.lower()).contains(HSTS);
  }

  private static Wire.Reply provoke(int status, Path other) throws Exception {
    int https = proxy.httpsPort();
    return switch (status) {
      case 400 -> Wire.send(https, "GET / HTTP/1.1\r\n" + HOST + "X-A : b\r\n\r\n");
      // Half a head, then silence past limits.headerTimeoutSeconds (SHORT_SECONDS here).
      case 408 -> Wire.send(https, "GET / HTTP/1.1\r\n" + HOST);
      // Just over the 8 KiB defaults: a far larger request would still be being written when the
      // proxy closes, and the TCP reset that causes could discard the answer.
      case 414 -> Wire.send(https, "GET /" + "a".repeat(9_000) + " HTTP/1.1\r\n" + HOST + "\r\n");
      case 431 ->
          Wire.send(
              https, "GET / HTTP/1.1\r\n" + HOST + "X-Big: " + "a".repeat(9_000) + "\r\n\r\n");
      case 501 -> Wire.send(https, "TRACE / HTTP/1.1\r\n" + HOST + "\r\n");
      case 502 -> {
        try (Socket refusing = refusingPort();
            ProxyFixture dead =
                ProxyFixture.builder(other)
                    .upstreamUrl("http://127.0.0.1:" + refusing.getLocalPort())
                    .start()) {
          yield Wire.send(dead.httpsPort(), get("/"));
        }
      }
      case 503 -> {
        try (ProxyFixture full =
                ProxyFixture.builder(other)
                    .upstreamUrl(authentik.url())
                    .config(c -> shortTimeouts(c, 1))
                    .start();
            Socket held = Wire.tls(full.httpsPort())) {
          Wire.write(held, "GET / HTTP/1.1\r\n" + HOST + "\r\n");
          Wire.readResponse(held);
          yield Wire.send(full.httpsPort(), get("/"));
        }
      }
      case 504 -> Wire.send(https, get("/_stub/slow?ms=5000"));
      case 505 -> Wire.send(https, "GET / HTTP/1.0\r\n" + HOST + "\r\n");
      default -> throw new IllegalArgumentException("no way to provoke " + status);
    };
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n";
  }

  /**
   * A loopback port bound but not listening: connecting to it is refused at once, and while the
   * test holds it no other process can bind it (a port picked and released could be taken).
   */
  private static Socket refusingPort() throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress("127.0.0.1", 0));
    return socket;
  }

  /** A head deadline and response timeout of {@link #SHORT_SECONDS}, and {@code maxConnections}. */
  private static ProxyConfig shortTimeouts(ProxyConfig c, int maxConnections) {
    Limits l = c.limits();
    Upstream u = c.upstream();
    return c.withLimits(
            new Limits(
                l.maxHeaderBytes(),
                l.maxRequestLineBytes(),
                SHORT_SECONDS,
                l.idleTimeoutSeconds(),
                maxConnections,
                l.http2MaxConcurrentStreams()))
        .withUpstream(
            new Upstream(
                u.url(), u.tls(), u.keepAlive(), u.connectTimeoutSeconds(), SHORT_SECONDS));
  }
}
