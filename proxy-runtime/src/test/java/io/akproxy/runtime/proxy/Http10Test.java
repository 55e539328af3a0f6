package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, behaviour 8: HTTP/1.0 is refused on HTTPS, never forwarded; issue 11 §4: on the
 * plain-HTTP listener it gets the seed's redirect (nothing is forwarded there, and old health
 * checkers speak HTTP/1.0).
 */
class Http10Test {

  @Test
  void isRefusedOnHttpsWith505AndTheConnectionClosed(@TempDir Path root) throws Exception {
    try (AuthentikStub upstream = AuthentikStub.plain();
        ProxyFixture proxy = ProxyFixture.builder(root).upstream(upstream).start()) {
      for (String request :
          new String[] {
            "GET / HTTP/1.0\r\nHost: sso.example.com\r\n\r\n",
            "GET /ws/client/ HTTP/1.0\r\nHost: sso.example.com\r\nConnection: keep-alive,"
                + " Upgrade\r\nUpgrade: websocket\r\n\r\n"
          }) {
        try (SSLSocket socket = Clients.tls(proxy.httpsPort())) {
          // readAll returns only once the server closed the connection (or after 5 s).
          long start = System.nanoTime();
          String response = Clients.exchange(socket, request);
          assertThat(response).matches("(?s)HTTP/1\\.[01] 505 .*");
          assertThat(response.toLowerCase()).contains("connection: close");
          assertThat(response.toLowerCase()).contains("strict-transport-security: max-age=");
          assertThat(System.nanoTime() - start).isLessThan(4_000_000_000L);
        }
      }
      assertThat(upstream.received()).isEmpty();
    }
  }

  @Test
  void getsTheSeedsRedirectOnPlainHttp(@TempDir Path root) throws Exception {
    try (AuthentikStub upstream = AuthentikStub.plain();
        ProxyFixture proxy = ProxyFixture.builder(root).upstream(upstream).start()) {
      assertThat(
              http10(proxy, "GET /if/flow/?next=%2F HTTP/1.0\r\nHost: sso.example.com:80\r\n\r\n"))
          .matches("(?s)HTTP/1\\.[01] 301 .*")
          .containsIgnoringCase("location: https://sso.example.com/if/flow/?next=%2F\r\n")
          .doesNotContainIgnoringCase("strict-transport-security");
      // Without a Host (as HTTP/1.0 allows): the first server name, as nginx's $host.
      assertThat(http10(proxy, "GET /health HTTP/1.0\r\n\r\n"))
          .matches("(?s)HTTP/1\\.[01] 301 .*")
          .containsIgnoringCase("location: https://sso.example.com/health\r\n");
      assertThat(upstream.received()).isEmpty();
    }
  }

  /** Sends an HTTP/1.0 request to the plain-HTTP listener; the answer ends with the connection. */
  private static String http10(ProxyFixture proxy, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
      socket.setSoTimeout(5000);
      return Clients.exchange(socket, request);
    }
  }
}
