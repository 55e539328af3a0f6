package io.akproxy.runtime.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.akproxy.runtime.support.TestPki;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateMaterialTest {

  private final TestPki pki = TestPki.get();

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void describesTheLeafOfAChain() throws Exception {
    TestPki.Issued leaf = pki.leaf(TestPki.ec(), "sso.example.com", "auth.example.com");
    CertificateMaterial material =
        CertificateMaterial.load(
            bytes(pki.chainPem(leaf)),
            "/tls/tls.crt",
            bytes(TestPki.keyPem(leaf.keys().getPrivate(), TestPki.KeyFormat.TRADITIONAL)),
            "/tls/tls.key",
            Instant.now());
    assertThat(material.chainLength()).isEqualTo(2);
    CertificateInfo info = material.info();
    assertThat(info.serial()).isEqualTo(leaf.serial().toString(16));
    assertThat(info.dnsNames()).containsExactly("sso.example.com", "auth.example.com");
    assertThat(info.subject()).isEqualTo("CN=sso.example.com");
    assertThat(info.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
    assertThat(material.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void refusesAKeyThatDoesNotMatchTheCertificate() {
    TestPki.Issued leaf = pki.leaf(TestPki.ec(), "sso.example.com");
    String otherKey = TestPki.keyPem(TestPki.ec().getPrivate(), TestPki.KeyFormat.PKCS8);
    assertThatThrownBy(
            () ->
                CertificateMaterial.load(
                    bytes(pki.chainPem(leaf)),
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
    TestPki.Issued expired = pki.expiredLeaf(TestPki.ec(), "sso.example.com");
    byte[] key = bytes(TestPki.keyPem(expired.keys().getPrivate(), TestPki.KeyFormat.PKCS8));
    assertThatThrownBy(
            () ->
                CertificateMaterial.load(
                    bytes(pki.chainPem(expired)),
                    "/tls/tls.crt",
                    key,
                    "/tls/tls.key",
                    Instant.now()))
        .hasMessageStartingWith("/tls/tls.crt: the certificate expired at ");
    TestPki.Issued leaf = pki.leaf(TestPki.ec(), "sso.example.com");
    assertThatThrownBy(
            () ->
                CertificateMaterial.load(
                    bytes(pki.chainPem(leaf)),
                    "/tls/tls.crt",
                    bytes(TestPki.keyPem(leaf.keys().getPrivate(), TestPki.KeyFormat.PKCS8)),
                    "/tls/tls.key",
                    leaf.certificate().getNotBefore().toInstant().minusSeconds(60)))
        .isInstanceOfSatisfying(LoadException.class, e -> assertThat(e.isTimeDependent()).isTrue())
        .hasMessageContaining("is not valid before");
  }

  @Test
  void namesTheFileThatHoldsNoPem() {
    TestPki.Issued leaf = pki.leaf(TestPki.ec(), "sso.example.com");
    byte[] key = bytes(TestPki.keyPem(leaf.keys().getPrivate(), TestPki.KeyFormat.PKCS8));
    assertThatThrownBy(
            () ->
                CertificateMaterial.load(
                    bytes("-----BEGIN CERTIF"), "/tls/tls.crt", key, "/tls/tls.key", Instant.now()))
        .hasMessageStartingWith("/tls/tls.crt: no PEM certificate found");
    assertThatThrownBy(
            () ->
                CertificateMaterial.load(
                    bytes(pki.chainPem(leaf)),
                    "/tls/tls.crt",
                    bytes("not a key"),
                    "/tls/tls.key",
                    Instant.now()))
        .hasMessageStartingWith("/tls/tls.key: no PEM private key found");
  }
}
