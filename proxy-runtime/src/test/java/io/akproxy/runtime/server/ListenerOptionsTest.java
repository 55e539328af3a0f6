package io.akproxy.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.ProxyConfig;
import io.akproxy.runtime.load.CertificateMaterial;
import io.akproxy.testkit.pki.CertificateAuthority;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listener options that docs/runtime.md's advisory list relies on. */
class ListenerOptionsTest {

  private static HttpServerOptions https(ProxyConfig config) throws Exception {
    return ListenerOptions.https(config, "127.0.0.1", certificateOf(config), TlsEngine.JDK);
  }

  @Test
  void serverSideSniIsNeverEnabled() throws Exception {
    // CVE-2026-6860 (an unbounded per-name SslContext cache) needs server-side SNI.
    ProxyConfig config = ProxyConfig.defaults(List.of("sso.example.com", "*.apps.example.com"));

    assertThat(https(config).isSni()).isFalse();
    assertThat(ListenerOptions.sslOptions(config, certificateOf(config), TlsEngine.JDK).isSni())
        .isFalse();
  }

  @Test
  void http10StaysInTheVersionListSoTheProxyAnswersItWith505() throws Exception {
    ProxyConfig config = ProxyConfig.defaults(List.of("sso.example.com"));

    assertThat(https(config).getAlpnVersions())
        .containsExactly(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1, HttpVersion.HTTP_1_0);
  }

  private static CertificateMaterial certificateOf(ProxyConfig config) throws Exception {
    Issued leaf =
        CertificateAuthority.sharedIntermediate()
            .issue(Certificates.forHosts(config.serverNames().get(0)));
    return CertificateMaterial.load(
        leaf.chainPem().getBytes(StandardCharsets.US_ASCII),
        "tls.crt",
        leaf.keyPem().getBytes(StandardCharsets.US_ASCII),
        "tls.key",
        Instant.now());
  }
}
