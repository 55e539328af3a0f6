package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.runtime.support.UpstreamStub;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, behaviour 8: HTTP/1.0 is refused, never forwarded. */
class Http10Test {

  @Test
  void isRefusedWith505AndTheConnectionClosed(@TempDir Path root) throws Exception {
    try (UpstreamStub upstream = UpstreamStub.plain();
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
      try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
        socket.setSoTimeout(5000);
        assertThat(Clients.exchange(socket, "GET / HTTP/1.0\r\nHost: sso.example.com\r\n\r\n"))
            .matches("(?s)HTTP/1\\.[01] 505 .*");
      }
      assertThat(upstream.received()).isEmpty();
    }
  }
}
