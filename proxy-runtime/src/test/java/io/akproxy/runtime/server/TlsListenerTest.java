package io.akproxy.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.akproxy.config.Tls;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.pki.CertificateAuthority;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.pki.KeyFormat;
import io.akproxy.testkit.pki.Keys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 3, behaviour 1: the HTTPS listener. */
class TlsListenerTest {

  private static AuthentikStub upstream;

  @BeforeAll
  static void upstream() {
    upstream = AuthentikStub.plain();
  }

  @AfterAll
  static void stopUpstream() {
    upstream.close();
  }

  static Stream<Arguments> keysAndEngines() {
    return Stream.of(TlsEngine.OPENSSL, TlsEngine.JDK)
        .flatMap(
            engine ->
                Stream.of(
                    Arguments.of("RSA", KeyFormat.TRADITIONAL, engine),
                    Arguments.of("RSA", KeyFormat.PKCS8, engine),
                    Arguments.of("EC", KeyFormat.TRADITIONAL, engine),
                    Arguments.of("EC", KeyFormat.PKCS8, engine)));
  }

  @ParameterizedTest(name = "{0} key as {1} on {2}")
  @MethodSource("keysAndEngines")
  void servesTheMountedChainWithEveryKeyKindAndFormat(
      String algorithm, KeyFormat format, TlsEngine engine, @TempDir Path root) throws Exception {
    CertificateAuthority ca = CertificateAuthority.sharedIntermediate();
    KeyPair keys = algorithm.equals("RSA") ? Keys.sharedRsa() : Keys.ec();
    Issued leaf =
        ca.issue(Certificates.forHosts(ProxyFixture.SERVER_NAME, "localhost").keyPair(keys));
    String keyPem = leaf.keyPem(format);
    assertThat(keyPem)
        .contains(
            format == KeyFormat.PKCS8
                ? "BEGIN PRIVATE KEY"
                : "BEGIN " + algorithm + " PRIVATE KEY");
    try (ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstream(upstream)
                .engine(engine)
                .certificate(leaf.chainPem(), keyPem)
                .start();
        SSLSocket socket = Clients.tls(proxy.httpsPort())) {
      Certificate[] served = socket.getSession().getPeerCertificates();
      assertThat(served).hasSize(2);
      assertThat(((X509Certificate) served[0]).getSerialNumber()).isEqualTo(leaf.serial());
      assertThat(served[1]).isEqualTo(ca.certificate());
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(proxy.runtime().tlsEngine()).isEqualTo(engine.label());
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void acceptsOnlyTls13ByDefault(TlsEngine engine, @TempDir Path root) throws Exception {
    try (ProxyFixture proxy =
        ProxyFixture.builder(root).upstream(upstream).engine(engine).start()) {
      assertThatThrownBy(() -> Clients.tls(proxy.httpsPort(), List.of("TLSv1.2"), List.of()))
          .hasCauseInstanceOf(SSLException.class);
      try (SSLSocket socket = Clients.tls(proxy.httpsPort())) {
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void acceptsTls12WhenConfigured(TlsEngine engine, @TempDir Path root) throws Exception {
    try (ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstream(upstream)
                .engine(engine)
                .config(c -> c.withTls(withMinVersion(c.tls(), Tls.TLS_1_2)))
                .start();
        SSLSocket socket = Clients.tls(proxy.httpsPort(), List.of("TLSv1.2"), List.of())) {
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
      assertThat(socket.getSession().getCipherSuite()).startsWith("TLS_ECDHE_").contains("_GCM_");
    }
  }

  static Stream<TlsEngine> engines() {
    return Stream.of(TlsEngine.OPENSSL, TlsEngine.JDK);
  }

  @Test
  void negotiatesHttp2AndHttp11ThroughAlpn(@TempDir Path root) throws Exception {
    try (ProxyFixture proxy = ProxyFixture.builder(root).upstream(upstream).start()) {
      try (SSLSocket h2 =
          Clients.tls(proxy.httpsPort(), List.of("TLSv1.3"), List.of("h2", "http/1.1"))) {
        assertThat(h2.getApplicationProtocol()).isEqualTo("h2");
      }
      try (SSLSocket h1 = Clients.tls(proxy.httpsPort(), List.of("TLSv1.3"), List.of("http/1.1"))) {
        assertThat(h1.getApplicationProtocol()).isEqualTo("http/1.1");
      }
      HttpResponse<String> response =
          Clients.jdk()
              .send(
                  HttpRequest.newBuilder(URI.create("https://localhost:" + proxy.httpsPort() + "/"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
      assertThat(response.body()).contains("\"method\":\"GET\",\"path\":\"/\"");
    }
  }

  @Test
  void offersOnlyHttp11WhenHttp2IsOff(@TempDir Path root) throws Exception {
    try (ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstream(upstream)
                .config(
                    c ->
                        c.withTls(
                            new Tls(
                                c.tls().certFile(),
                                c.tls().keyFile(),
                                c.tls().minVersion(),
                                false,
                                c.tls().hsts())))
                .start();
        SSLSocket socket =
            Clients.tls(proxy.httpsPort(), List.of("TLSv1.3"), List.of("h2", "http/1.1"))) {
      assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
    }
  }

  static Tls withMinVersion(Tls tls, String minVersion) {
    return new Tls(tls.certFile(), tls.keyFile(), minVersion, tls.http2(), tls.hsts());
  }
}
