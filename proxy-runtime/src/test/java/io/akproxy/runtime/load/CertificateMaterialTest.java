package io.akproxy.runtime.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.akproxy.testkit.pki.CertificateAuthority;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.pki.KeyFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateMaterialTest {

  private final CertificateAuthority ca = CertificateAuthority.sharedIntermediate();

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void describesTheLeafOfAChain() throws Exception {
    Issued leaf = ca.issue(Certificates.forHosts("sso.example.com", "auth.example.com"));
    CertificateMaterial material =
        CertificateMaterial.load(
            bytes(leaf.chainPem()),
            "/tls/tls.crt",
            bytes(leaf.keyPem(KeyFormat.TRADITIONAL)),
            "/tls/tls.key",
            Instant.now());
    assertThat(material.chainLength()).isEqualTo(2);
    CertificateInfo info = material.info();
    assertThat(info.serial()).isEqualTo(leaf.serialHex());
    assertThat(info.dnsNames()).containsExactly("sso.example.com", "auth.example.com");
    assertThat(info.subject()).isEqualTo("CN=sso.example.com");
    assertThat(info.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
    assertThat(material.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void refusesAKeyThatDoesNotMatchTheCertificate() {
    Issued leaf = ca.issue(Certificates.forHosts("sso.example.com"));
    String otherKey = Certificates.forHosts("sso.example.com").issue().keyPem();
    assertThatThrownBy(
            () ->
                CertificateMaterial.load(
                    bytes(leaf.chainPem()),
                    "/tls/tls.crt",
                    bytes(otherKey),
                    "/tls/tls.key",
                    Instant.now()))
        .isInstanceOf(LoadException.class)
        .hasMessage("/tls/tls.key: the private key does not match the certificate in /tls/tls.crt")
        .hasMessageNotContaining("BEGIN");
  }

  @Test
  void refusesAnExpiredCertificateAndOneNotValidYet() {
    Issued expired = ca.issue(Certificates.forHosts("sso.example.com").expired());
    byte[] key = bytes(expired.keyPem());
    assertThatThrownBy(
            () ->
                CertificateMaterial.load(
                    bytes(expired.chainPem()), "/tls/tls.crt", key, "/tls/tls.key", Instant.now()))
        .hasMessageStartingWith("/tls/tls.crt: the certificate expired at ");
    Issued leaf = ca.issue(Certificates.forHosts("sso.example.com"));
    assertThatThrownBy(
            () ->
                CertificateMaterial.load(
                    bytes(leaf.chainPem()),
                    "/tls/tls.crt",
                    bytes(leaf.keyPem()),
                    "/tls/tls.key",
                    leaf.certificate().getNotBefore().toInstant().minusSeconds(60)))
        .isInstanceOfSatisfying(LoadException.class, e -> assertThat(e.isTimeDependent()).isTrue())
        .hasMessageContaining("is not valid before");
  }

  @Test
  void namesTheFileThatHoldsNoPem() {
    Issued leaf = ca.issue(Certificates.forHosts("sso.example.com"));
    byte[] key = bytes(leaf.keyPem());
    assertThatThrownBy(
            () ->
                CertificateMaterial.load(
                    bytes("-----BEGIN CERTIF"), "/tls/tls.crt", key, "/tls/tls.key", Instant.now()))
        .hasMessageStartingWith("/tls/tls.crt: no PEM certificate found");
    assertThatThrownBy(
            () ->
                CertificateMaterial.load(
                    bytes(leaf.chainPem()),
                    "/tls/tls.crt",
                    bytes("not a key"),
                    "/tls/tls.key",
                    Instant.now()))
        .hasMessageStartingWith("/tls/tls.key: no PEM private key found");
  }
}
