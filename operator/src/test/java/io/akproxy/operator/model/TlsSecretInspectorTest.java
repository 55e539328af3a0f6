package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestCertificates;
import io.akproxy.operator.TestCertificates.Issued;
import io.akproxy.operator.TestCertificates.KeyFormat;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsSecretInspectorTest {

  private static final List<String> HOSTS = List.of("sso.example.com");
  private static final Instant NOW = Instant.now();

  private static TlsInspection inspect(Secret secret, List<String> hosts) {
    return TlsSecretInspector.inspect("sso-tls", Optional.ofNullable(secret), hosts, NOW);
  }

  private static Secret secret(Issued issued) {
    return TestCertificates.tlsSecret("ns", "sso-tls", issued);
  }

  private static Issued valid(KeyPair key, KeyFormat format) {
    return TestCertificates.issue(
        key, HOSTS, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)), format);
  }

  @Test
  void acceptsRsaAndEcKeysInEveryPemFormatAndReportsTheCertificate() {
    for (KeyPair key : List.of(TestCertificates.rsaKey(), TestCertificates.ecKey())) {
      for (KeyFormat format : KeyFormat.values()) {
        Issued issued = valid(key, format);
        TlsInspection inspection = inspect(secret(issued), HOSTS);
        assertThat(inspection.verdict().holds())
            .as("%s %s: %s", key.getPrivate().getAlgorithm(), format, inspection.verdict())
            .isTrue();
        assertThat(inspection.verdict().reason()).isEqualTo(Reason.CERTIFICATE_VALID);
        CertificateInfo info = inspection.certificate().orElseThrow();
        assertThat(info.serial()).isEqualTo(issued.serial().toString(16));
        assertThat(info.serial()).isEqualTo(info.serial().toLowerCase());
        assertThat(info.dnsNames()).containsExactly("sso.example.com");
        assertThat(info.issuer()).isEqualTo("CN=akproxy test CA,O=akproxy");
      }
    }
  }

  @Test
  void acceptsAnOpensslEcKeyWithItsParametersBlockFirst() {
    Issued issued = valid(TestCertificates.ecKey(), KeyFormat.TRADITIONAL);
    String withParameters =
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
            + issued.keyPem();
    Secret secret = TestCertificates.tlsSecret("ns", "sso-tls", issued.certPem(), withParameters);
    Verdict verdict = inspect(secret, HOSTS).verdict();
    assertThat(verdict.holds()).as(verdict.toString()).isTrue();
  }

  @Test
  void acceptsAnEd25519Key() throws Exception {
    KeyPair ed25519 = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Verdict verdict = inspect(secret(valid(ed25519, KeyFormat.PKCS8)), HOSTS).verdict();
    assertThat(verdict.holds()).as(verdict.toString()).isTrue();
  }

  @Test
  void anEncryptedKeyIsRefusedAsEncrypted() {
    Issued issued = valid(TestCertificates.ecKey(), KeyFormat.PKCS8);
    for (String encrypted :
        List.of(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n",
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n")) {
      Secret secret = TestCertificates.tlsSecret("ns", "sso-tls", issued.certPem(), encrypted);
      Verdict verdict = inspect(secret, HOSTS).verdict();
      assertThat(verdict.reason()).isEqualTo(Reason.KEY_INVALID);
      assertThat(verdict.message()).contains("encrypted");
    }
  }

  @Test
  void aMissingSecretSaysWhatToCreate() {
    Verdict verdict = inspect(null, HOSTS).verdict();
    assertThat(verdict.holds()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.SECRET_NOT_FOUND);
    assertThat(verdict.message()).contains("sso-tls").contains("kubernetes.io/tls");
  }

  @Test
  void anOpaqueSecretIsTheWrongType() {
    Secret opaque =
        new SecretBuilder(secret(valid(TestCertificates.ecKey(), KeyFormat.PKCS8)))
            .withType("Opaque")
            .build();
    Verdict verdict = inspect(opaque, HOSTS).verdict();
    assertThat(verdict.reason()).isEqualTo(Reason.SECRET_WRONG_TYPE);
    assertThat(verdict.message()).contains("Opaque").contains("kubernetes.io/tls");
  }

  @Test
  void garbageInTlsCrtIsAnInvalidCertificate() {
    Secret secret =
        TestCertificates.tlsSecret(
            "ns",
            "sso-tls",
            "not a certificate",
            valid(TestCertificates.ecKey(), KeyFormat.PKCS8).keyPem());
    assertThat(inspect(secret, HOSTS).verdict().reason()).isEqualTo(Reason.CERTIFICATE_INVALID);
  }

  @Test
  void garbageInTlsKeyIsAnInvalidKeyAndTheMessageHoldsNoKeyMaterial() {
    Issued issued = valid(TestCertificates.ecKey(), KeyFormat.PKCS8);
    String broken = issued.keyPem().replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\nAAAA");
    Verdict verdict =
        inspect(TestCertificates.tlsSecret("ns", "sso-tls", issued.certPem(), broken), HOSTS)
            .verdict();
    assertThat(verdict.reason()).isEqualTo(Reason.KEY_INVALID);
    assertThat(verdict.message()).doesNotContain("AAAA").doesNotContain("BEGIN");
  }

  @Test
  void aKeyOfAnotherCertificateIsAMismatch() {
    Issued issued = valid(TestCertificates.ecKey(), KeyFormat.PKCS8);
    Issued other = valid(TestCertificates.ecKey(), KeyFormat.PKCS8);
    Secret secret = TestCertificates.tlsSecret("ns", "sso-tls", issued.certPem(), other.keyPem());
    TlsInspection inspection = inspect(secret, HOSTS);
    assertThat(inspection.verdict().reason()).isEqualTo(Reason.KEY_MISMATCH);
    assertThat(inspection.verdict().message()).contains(issued.serialHex());
    // An RSA key against an EC certificate is a mismatch too, not an error.
    Secret rsaKey =
        TestCertificates.tlsSecret(
            "ns",
            "sso-tls",
            issued.certPem(),
            TestCertificates.keyPem(TestCertificates.rsaKey().getPrivate(), KeyFormat.PKCS8));
    assertThat(inspect(rsaKey, HOSTS).verdict().reason()).isEqualTo(Reason.KEY_MISMATCH);
  }

  @Test
  void anExpiredCertificateFailsAndANotYetValidOneToo() {
    KeyPair key = TestCertificates.ecKey();
    Issued expired =
        TestCertificates.issue(
            key,
            HOSTS,
            NOW.minus(Duration.ofDays(100)),
            NOW.minus(Duration.ofDays(10)),
            KeyFormat.PKCS8);
    assertThat(inspect(secret(expired), HOSTS).verdict().reason())
        .isEqualTo(Reason.CERTIFICATE_EXPIRED);
    Issued future =
        TestCertificates.issue(
            key,
            HOSTS,
            NOW.plus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(90)),
            KeyFormat.PKCS8);
    assertThat(inspect(secret(future), HOSTS).verdict().reason())
        .isEqualTo(Reason.CERTIFICATE_NOT_YET_VALID);
  }

  @Test
  void aCertificateExpiringWithinFourteenDaysStillHoldsButWarns() {
    Issued soon =
        TestCertificates.issue(
            TestCertificates.ecKey(),
            HOSTS,
            NOW.minus(Duration.ofDays(80)),
            NOW.plus(Duration.ofDays(5)),
            KeyFormat.PKCS8);
    Verdict verdict = inspect(secret(soon), HOSTS).verdict();
    assertThat(verdict.holds()).isTrue();
    assertThat(verdict.reason()).isEqualTo(Reason.CERTIFICATE_EXPIRING_SOON);
    assertThat(verdict.message()).contains("renew");
  }

  @Test
  void everyHostMustBeCoveredAndWildcardsCoverOneLabel() {
    Issued wildcard =
        TestCertificates.issue(
            TestCertificates.ecKey(),
            List.of("*.example.com"),
            NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(90)),
            KeyFormat.PKCS8);
    assertThat(inspect(secret(wildcard), List.of("sso.example.com")).verdict().holds()).isTrue();
    Verdict deeper =
        inspect(secret(wildcard), List.of("a.sso.example.com", "example.com")).verdict();
    assertThat(deeper.reason()).isEqualTo(Reason.HOSTS_NOT_COVERED);
    assertThat(deeper.message()).contains("a.sso.example.com, example.com");
    Issued other = valid(TestCertificates.ecKey(), KeyFormat.PKCS8);
    assertThat(
            inspect(secret(other), List.of("sso.example.com", "login.example.com"))
                .verdict()
                .reason())
        .isEqualTo(Reason.HOSTS_NOT_COVERED);
  }

  @Test
  void missingDataKeysAreReportedByName() {
    Secret empty =
        new SecretBuilder()
            .withNewMetadata()
            .withName("sso-tls")
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withData(Map.of())
            .build();
    Verdict verdict = inspect(empty, HOSTS).verdict();
    assertThat(verdict.reason()).isEqualTo(Reason.CERTIFICATE_INVALID);
    assertThat(verdict.message()).contains("tls.crt");
  }
}
