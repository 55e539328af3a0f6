package io.akproxy.runtime.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.ProxyFixture;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 7, vectors 1 to 3 (sizes): request smuggling and malformed HTTP/1.1 on the TLS listener are
 * answered by the proxy, with the connection closed, and nothing reaches authentik: not a request
 * head, not even a connection.
 */
class MalformedRequestsTest {

  private static final String HOST = "Host: sso.example.com\r\n";

  @TempDir static Path root;
  private static CountingUpstream upstream;
  private static ProxyFixture proxy;

  @BeforeAll
  static void start() throws Exception {
    upstream = new CountingUpstream();
    proxy = ProxyFixture.builder(root).upstreamUrl(upstream.url()).start();
  }

  @AfterAll
  static void stop() {
    proxy.close();
    upstream.close();
  }

  @BeforeEach
  void clear() {
    upstream.clear();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          Content-Length and Transfer-Encoding | POST /api/v3/ HTTP/1.1~HOST~Content-Length: 6~Transfer-Encoding: chunked~~0~~GET /admin/ HTTP/1.1~HOST~~ | 400
          two different Content-Lengths         | POST /api/v3/ HTTP/1.1~HOST~Content-Length: 4~Content-Length: 40~~abcd | 400
          Content-Length: +1                    | POST /api/v3/ HTTP/1.1~HOST~Content-Length: +1~~a | 400
          whitespace before the colon           | POST /api/v3/ HTTP/1.1~HOST~Transfer-Encoding : chunked~~0~~ | 400
          obs-fold                              | GET / HTTP/1.1~HOST~X-A: a~ Transfer-Encoding: chunked~~ | 400
          a bare CR                             | GET / HTTP/1.1~HOST~X-A: a<CR>Transfer-Encoding: chunked~~ | 400
          an invalid chunk size                 | POST /api/v3/ HTTP/1.1~HOST~Transfer-Encoding: chunked~~-1~~ | 400
          Transfer-Encoding: chunked, identity  | POST /api/v3/ HTTP/1.1~HOST~Transfer-Encoding: chunked, identity~~0~~ | 400
          an unknown transfer coding            | POST /api/v3/ HTTP/1.1~HOST~Transfer-Encoding: sdch~~0~~ | 501
          a missing Host                        | GET / HTTP/1.1~Accept: */*~~ | 400
          two Host headers                      | GET / HTTP/1.1~HOST~Host: evil.example.com~~ | 400
          NUL in a header                       | GET / HTTP/1.1~HOST~X-A: a<NUL>b~~ | 400
          """)
  void isAnsweredByTheProxyWithTheConnectionClosed(String vector, String wire, int status) {
    Wire.Reply reply = Wire.send(proxy.httpsPort(), request(wire));
    assertThat(reply.status()).as(vector).isEqualTo(status);
    assertThat(reply.closed()).as(vector + ": connection closed").isTrue();
    assertThat(reply.statuses()).as(vector + ": one answer only").hasSize(1);
    assertThat(reply.lower())
        .contains("connection: close")
        .contains("strict-transport-security: max-age=63072000");
    assertThat(upstream.requests()).as(vector + ": reached authentik").isEmpty();
    assertThat(upstream.connections()).as(vector + ": connected to authentik").isZero();
    assertThat(
            Wire.send(proxy.httpsPort(), request("GET / HTTP/1.1~HOST~Connection: close~~"))
                .status())
        .as("the next client is served")
        .isEqualTo(200);
  }

  @Test
  void aSmuggledRequestBehindAGoodOneIsRefusedAndOnlyTheGoodOneReachesAuthentik() {
    Wire.Reply reply =
        Wire.send(
            proxy.httpsPort(),
            request(
                "GET /if/flow/ HTTP/1.1~HOST~~"
                    + "POST /api/v3/ HTTP/1.1~HOST~Content-Length: 5~Transfer-Encoding: chunked~~"
                    + "0~~GET /smuggled HTTP/1.1~HOST~~"));
    assertThat(reply.statuses()).containsExactly(200, 400);
    assertThat(reply.closed()).isTrue();
    assertThat(upstream.requests()).containsExactly("GET /if/flow/");
  }

  @Test
  void aBadChunkInTheMiddleOfABodyClosesTheConnectionAndNoRequestCompletes() throws Exception {
    try (Socket socket = Wire.tls(proxy.httpsPort())) {
      Wire.write(socket, request("POST /api/v3/ HTTP/1.1~HOST~Transfer-Encoding: chunked~~3~abc~"));
      // The head and first chunk were valid, so the head went on; the next chunk line is not.
      Wire.write(socket, "zz\r\n\r\n");
      Wire.Reply reply = Wire.read(socket);
      assertThat(reply.closed()).isTrue();
      assertThat(reply.text()).doesNotContain(" 200 ");
    }
  }

  @Test
  void oversizedHeadersGet431AndAnOversizedRequestLine414() {
    Wire.Reply headers =
        Wire.send(
            proxy.httpsPort(), request("GET / HTTP/1.1~HOST~X-Big: " + "b".repeat(9000) + "~~"));
    assertThat(headers.status()).isEqualTo(431);
    assertThat(headers.closed()).isTrue();
    Wire.Reply line =
        Wire.send(proxy.httpsPort(), request("GET /" + "a".repeat(9000) + " HTTP/1.1~HOST~~"));
    assertThat(line.status()).isEqualTo(414);
    assertThat(line.closed()).isTrue();
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void underscoreHeadersAreDroppedAndConnectionCannotRemoveTheForwardedOnes() {
    Wire.Reply reply =
        Wire.send(
            proxy.httpsPort(),
            request(
                "GET /api/v3/ HTTP/1.1~HOST~X_Forwarded_For: 203.0.113.9~X-Real_IP: 203.0.113.9~"
                    + "Remote_User: akadmin~X-Authentik_Username: akadmin~"
                    + "Connection: X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host~Connection: close~~"));
    assertThat(reply.status()).isEqualTo(200);
    var received = upstream.last().headers();
    assertThat(received.names()).noneMatch(name -> name.contains("_"));
    assertThat(received.get("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(received.get("x-forwarded-proto")).isEqualTo("https");
    assertThat(received.get("x-forwarded-host")).isEqualTo("sso.example.com");
  }

  @Test
  void theAnswerIsLoggedAndCountedLikeAnyOther(@TempDir Path ownRoot) throws Exception {
    // A proxy of its own: on the class's shared one, lines and counts of the other tests' 400s
    // can still be on their way (the rejected head has no path of its own to tell its line apart).
    try (ProxyFixture own = ProxyFixture.builder(ownRoot).upstreamUrl(upstream.url()).start()) {
      String counted = "akproxy_requests_total{listener=\"https\",class=\"4xx\"}";

      Wire.send(own.httpsPort(), request("GET / HTTP/1.1~HOST~Content-Length : 0~~"));

      org.awaitility.Awaitility.await()
          .untilAsserted(
              () -> {
                assertThat(loggedWithStatus400(own)).as("access-log lines").isEqualTo(1);
                assertThat(AdminProbe.metric(own.adminPort(), counted)).as("counted").isEqualTo(1);
              });
    }
  }

  private static long loggedWithStatus400(ProxyFixture proxy) {
    return proxy.accessLines().stream().filter(l -> l.contains("\"status\":400")).count();
  }

  private static String request(String wire) {
    return wire.replace("HOST~", HOST)
        .replace("~", "\r\n")
        .replace("<CR>", "\r")
        .replace("<NUL>", "\0");
  }
}
