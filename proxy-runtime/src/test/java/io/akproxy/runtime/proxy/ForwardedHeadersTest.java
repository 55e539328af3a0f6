package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.Forwarding;
import io.akproxy.config.Listeners;
import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.authentik.Received;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, behaviour 5: forwarded headers, trusted proxies and PROXY protocol. */
class ForwardedHeadersTest {

  private static final String SPOOFING_REQUEST =
      "GET /fwd HTTP/1.1\r\n"
          + "Host: sso.example.com\r\n"
          + "X-Forwarded-For: 1.1.1.1\r\n"
          + "X-Forwarded-Proto: http\r\n"
          + "X-Forwarded-Host: evil.example\r\n"
          + "Forwarded: for=1.1.1.1\r\n"
          + "X-Real-IP: 1.1.1.1\r\n"
          + "X_Forwarded_For: 1.1.1.1\r\n"
          + "Connection: X-Forwarded-For, X-Forwarded-Proto\r\n"
          + "Connection: close\r\n"
          + "\r\n";

  private static AuthentikStub upstream;

  @BeforeAll
  static void start() {
    upstream = AuthentikStub.plain();
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  private static ProxyFixture proxy(Path root, List<String> trusted, boolean proxyProtocol)
      throws Exception {
    return proxy(root, trusted, proxyProtocol, "127.0.0.1");
  }

  /** With the listeners bound to {@code bindAddress}. */
  private static ProxyFixture proxy(
      Path root, List<String> trusted, boolean proxyProtocol, String bindAddress) throws Exception {
    return ProxyFixture.builder(root)
        .upstream(upstream)
        .config(
            c -> {
              Listeners l = c.listeners();
              return c.withForwarding(new Forwarding(trusted, proxyProtocol))
                  .withListeners(new Listeners(bindAddress, l.https(), l.http(), l.admin()));
            })
        .start();
  }

  /** Sends a request over TLS, after a PROXY header in the clear when one is given. */
  private static Received send(int port, byte[] proxyHeader, String request) throws IOException {
    return send("127.0.0.1", port, proxyHeader, request);
  }

  /** As {@link #send(int, byte[], String)}, from the client address {@code from}. */
  private static Received send(String from, int port, byte[] proxyHeader, String request)
      throws IOException {
    upstream.clear();
    try (Socket tcp = new Socket(from, port)) {
      if (proxyHeader != null) {
        tcp.getOutputStream().write(proxyHeader);
        tcp.getOutputStream().flush();
      }
      SSLSocket tls =
          (SSLSocket)
              Clients.trustContext().getSocketFactory().createSocket(tcp, "localhost", port, true);
      tls.setSoTimeout(5000);
      String response = Clients.exchange(tls, request);
      assertThat(response).startsWith("HTTP/1.1 200 ");
    }
    return upstream.last();
  }

  @Test
  void fromAnUntrustedPeerEveryClaimIsReplacedByWhatTheProxySaw(@TempDir Path root)
      throws Exception {
    try (ProxyFixture proxy = proxy(root, List.of(), false)) {
      Received received = send(proxy.httpsPort(), null, SPOOFING_REQUEST);
      assertThat(received.headers("x-forwarded-for")).containsExactly("127.0.0.1");
      assertThat(received.headers("x-forwarded-proto")).containsExactly("https");
      assertThat(received.headers("x-forwarded-host")).containsExactly("sso.example.com");
      assertThat(received.header("host")).isEqualTo("sso.example.com");
      assertThat(received.headerNames())
          .doesNotContain("forwarded", "x-real-ip", "x_forwarded_for");

      // HTTP/2 too, where the host arrives as :authority.
      Vertx vertx = Vertx.vertx();
      try {
        Answer.send(
            Clients.http(vertx, HttpVersion.HTTP_2),
            Answer.request(HttpMethod.GET, proxy.httpsPort(), "/fwd")
                .putHeader("x-forwarded-for", "1.1.1.1")
                .putHeader("x-real-ip", "1.1.1.1"),
            null);
        Received h2 = upstream.last();
        assertThat(h2.headers("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(h2.header("x-real-ip")).isNull();
        assertThat(h2.header("host")).isEqualTo("localhost:" + proxy.httpsPort());
      } finally {
        vertx.close();
      }
    }
  }

  @Test
  void fromATrustedPeerTheChainIsKeptAndThePeerAppended(@TempDir Path root) throws Exception {
    try (ProxyFixture proxy = proxy(root, List.of("127.0.0.0/8"), false)) {
      Received received = send(proxy.httpsPort(), null, SPOOFING_REQUEST);
      assertThat(received.headers("x-forwarded-for")).containsExactly("1.1.1.1, 127.0.0.1");
      assertThat(received.header("x-forwarded-proto")).isEqualTo("http");
      assertThat(received.header("x-forwarded-host")).isEqualTo("evil.example");
      assertThat(received.header("forwarded")).isEqualTo("for=1.1.1.1");
      assertThat(received.headerNames()).doesNotContain("x_forwarded_for");
    }
  }

  @Test
  void aProxyProtocolHeaderFromATrustedPeerNamesTheClient(@TempDir Path root) throws Exception {
    try (ProxyFixture proxy = proxy(root, List.of("127.0.0.0/8"), true)) {
      Received v1 =
          send(
              proxy.httpsPort(),
              "PROXY TCP4 203.0.113.7 10.0.0.1 56324 443\r\n".getBytes(StandardCharsets.US_ASCII),
              SPOOFING_REQUEST);
      // The client itself is not a trusted proxy, so its own claims are dropped.
      assertThat(v1.headers("x-forwarded-for")).containsExactly("203.0.113.7");
      assertThat(v1.header("x-forwarded-proto")).isEqualTo("https");

      Received v2 =
          send(proxy.httpsPort(), proxyV2(new byte[] {(byte) 198, 51, 100, 9}), SPOOFING_REQUEST);
      assertThat(v2.headers("x-forwarded-for")).containsExactly("198.51.100.9");
    }
  }

  @Test
  void aProxyProtocolHeaderFromAnUntrustedPeerIsIgnored(@TempDir Path root) throws Exception {
    try (ProxyFixture proxy = proxy(root, List.of("10.0.0.0/8"), true)) {
      Received received =
          send(
              proxy.httpsPort(),
              "PROXY TCP4 203.0.113.7 10.0.0.1 56324 443\r\n".getBytes(StandardCharsets.US_ASCII),
              SPOOFING_REQUEST);
      assertThat(received.headers("x-forwarded-for")).containsExactly("127.0.0.1");
    }
  }

  /** Believing it would make any client a trusted proxy whose forwarded chain is kept. */
  @Test
  void aProxyProtocolHeaderFromAnUntrustedPeerCannotClaimATrustedAddress(@TempDir Path root)
      throws Exception {
    try (ProxyFixture proxy = proxy(root, List.of("10.0.0.0/8"), true)) {
      Received received =
          send(
              proxy.httpsPort(),
              "PROXY TCP4 10.9.9.9 10.0.0.1 56324 443\r\n".getBytes(StandardCharsets.US_ASCII),
              SPOOFING_REQUEST);
      assertThat(received.headers("x-forwarded-for")).containsExactly("127.0.0.1");
      assertThat(received.header("x-forwarded-proto")).isEqualTo("https");
      assertThat(received.header("forwarded")).isNull();
    }
  }

  /** Issue 17 §2: the address as nginx's {@code $remote_addr} writes it (RFC 5952). */
  @Test
  void anIpv6ClientIsForwardedWithItsIpv6Address(@TempDir Path root) throws Exception {
    try (ProxyFixture proxy = proxy(root, List.of(), false, "::1")) {
      Received received = send("::1", proxy.httpsPort(), null, SPOOFING_REQUEST);
      assertThat(received.headers("x-forwarded-for")).containsExactly("::1");
      assertThat(received.header("x-forwarded-host")).isEqualTo("sso.example.com");
    }
  }

  @Test
  void anIpv6TrustedCidrKeepsTheChainOfAPeerInIt(@TempDir Path root) throws Exception {
    try (ProxyFixture proxy = proxy(root, List.of("::1/128"), false, "::1")) {
      Received received = send("::1", proxy.httpsPort(), null, SPOOFING_REQUEST);
      assertThat(received.headers("x-forwarded-for")).containsExactly("1.1.1.1, ::1");
      assertThat(received.header("x-forwarded-host")).isEqualTo("evil.example");
    }
  }

  /**
   * Issue 17 §2: on an IPv6 pod the plain-HTTP redirect and the admin endpoints answer over IPv6; a
   * Host that is an IPv6 literal with a port names no server, so the redirect goes to the first
   * server name, without a port.
   */
  @Test
  void theRedirectAndTheAdminEndpointsAnswerOverIpv6(@TempDir Path root) throws Exception {
    try (ProxyFixture proxy = proxy(root, List.of(), false, "::1")) {
      try (Socket socket = new Socket("::1", proxy.httpPort())) {
        socket.setSoTimeout(3000);
        String response =
            Clients.exchange(
                socket,
                "GET /if/flow/?a=1 HTTP/1.1\r\nHost: [::1]:"
                    + proxy.httpPort()
                    + "\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 301 ");
        assertThat(response.toLowerCase())
            .contains("location: https://sso.example.com/if/flow/?a=1\r\n");
      }
      assertThat(AdminProbe.get("[::1]", proxy.adminPort(), "/readyz").statusCode()).isEqualTo(200);
      assertThat(AdminProbe.get("[::1]", proxy.adminPort(), "/metrics").body())
          .contains("akproxy_");
    }
  }

  /**
   * A dual-stack listener sees an IPv4 client as {@code ::ffff:127.0.0.1}; it is the IPv4 client
   * all the same, for the trusted CIDRs and in the chain.
   */
  @Test
  void anIpv4ClientOfADualStackListenerIsItsIpv4Address(@TempDir Path root) throws Exception {
    try (ProxyFixture proxy = proxy(root, List.of("127.0.0.0/8"), false, "::")) {
      Received received = send("127.0.0.1", proxy.httpsPort(), null, SPOOFING_REQUEST);
      assertThat(received.headers("x-forwarded-for")).containsExactly("1.1.1.1, 127.0.0.1");
    }
    try (ProxyFixture proxy = proxy(root.resolve("untrusted"), List.of(), false, "::")) {
      Received received = send("127.0.0.1", proxy.httpsPort(), null, SPOOFING_REQUEST);
      assertThat(received.headers("x-forwarded-for")).containsExactly("127.0.0.1");
    }
  }

  /** A PROXY protocol v2 header for TCP over IPv4 from {@code source}. */
  static byte[] proxyV2(byte[] source) {
    ByteBuffer header = ByteBuffer.allocate(16 + 12);
    header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    header.put((byte) 0x21); // version 2, PROXY
    header.put((byte) 0x11); // TCP over IPv4
    header.putShort((short) 12);
    header.put(source);
    header.put(new byte[] {10, 0, 0, 1});
    header.putShort((short) 40000);
    header.putShort((short) 443);
    return header.array();
  }
}
