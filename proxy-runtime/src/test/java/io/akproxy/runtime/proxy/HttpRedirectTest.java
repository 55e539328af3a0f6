package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.Listeners;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, behaviour 3: the plain-HTTP listener redirects, and only redirects. */
class HttpRedirectTest {

  @TempDir static Path root;
  private static AuthentikStub upstream;
  private static ProxyFixture proxy;

  @BeforeAll
  static void start() throws Exception {
    upstream = AuthentikStub.plain();
    proxy =
        ProxyFixture.builder(root)
            .upstream(upstream)
            .config(c -> c.withServerNames(List.of("sso.example.com", "auth.example.com")))
            .start();
  }

  @AfterAll
  static void stop() {
    proxy.close();
    upstream.close();
  }

  private static String get(String host, String target, String... extraHeaders) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
      socket.setSoTimeout(3000);
      StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\n");
      if (host != null) {
        request.append("Host: ").append(host).append("\r\n");
      }
      for (String header : extraHeaders) {
        request.append(header).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      return Clients.exchange(socket, request.toString());
    }
  }

  /** A proxy of its own whose plain-HTTP listener is {@code http} of the configured port. */
  private static ProxyFixture withHttp(
      Path root, java.util.function.IntFunction<Listeners.Http> http) throws Exception {
    return ProxyFixture.builder(root)
        .upstream(upstream)
        .config(
            c -> {
              Listeners l = c.listeners();
              return c.withListeners(
                  new Listeners(
                      l.bindAddress(), l.https(), http.apply(l.http().port()), l.admin()));
            })
        .start();
  }

  private static String location(String response) {
    assertThat(response).startsWith("HTTP/1.1 301 ");
    return response
        .lines()
        .filter(line -> line.toLowerCase().startsWith("location: "))
        .findFirst()
        .orElseThrow()
        .substring("location: ".length());
  }

  @Test
  void keepsTheServerNamePathAndQueryAndOmitsTheDefaultPort() throws IOException {
    assertThat(location(get("auth.example.com", "/if/flow/default/?next=%2Fapps&x=1")))
        .isEqualTo("https://auth.example.com/if/flow/default/?next=%2Fapps&x=1");
  }

  @Test
  void neverNamesTheContainersPortOrTheClientsOne() throws IOException {
    assertThat(location(get("sso.example.com:80", "/a"))).isEqualTo("https://sso.example.com/a");
    assertThat(location(get("sso.example.com:" + proxy.httpPort(), "/a")))
        .isEqualTo("https://sso.example.com/a");
  }

  @Test
  void namesTheConfiguredRedirectPortWhenItIsNot443(@TempDir Path other) throws Exception {
    try (ProxyFixture onNodePort = withHttp(other, port -> new Listeners.Http(port, true, 30443));
        Socket socket = new Socket("127.0.0.1", onNodePort.httpPort())) {
      socket.setSoTimeout(3000);
      String response =
          Clients.exchange(
              socket,
              "GET /a?b HTTP/1.1\r\nHost: sso.example.com:30080\r\nConnection: close\r\n\r\n");
      assertThat(location(response)).isEqualTo("https://sso.example.com:30443/a?b");
    }
  }

  @Test
  void sendsUnknownHostsToTheFirstServerNameAndNeverTrustsForwardedHost() throws IOException {
    assertThat(location(get("evil.example", "/x", "X-Forwarded-Host: evil.example")))
        .isEqualTo("https://sso.example.com/x");
    assertThat(location(get("evil.example:8080", "/x"))).isEqualTo("https://sso.example.com/x");
    assertThat(location(get("AUTH.EXAMPLE.COM", "/", "X-Forwarded-Host: evil.example")))
        .isEqualTo("https://auth.example.com/");
  }

  @Test
  void neverForwardsAnything() throws IOException {
    upstream.clear();
    get("sso.example.com", "/api/v3/core/users/");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void isNotOpenedWhenRedirectIsOff(@TempDir Path other) throws Exception {
    try (ProxyFixture noRedirect = withHttp(other, port -> new Listeners.Http(port, false))) {
      // No plain-HTTP listener was opened at all (the fixture's listeners bind no configured port).
      assertThat(noRedirect.httpPort()).isZero();
    }
  }
}
