package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestResources;
import io.akproxy.testkit.pki.CertificateAuthority;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.pki.KeyFormat;
import io.akproxy.testkit.pki.Keys;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsSecretInspectorTest {

  private static final List<String> HOSTS = List.of("sso.example.com");

  /** Whole seconds, as X.509 times are, so the validity edges below are exact. */
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private static TlsInspection inspect(Secret secret, List<String> hosts) {
    return TlsSecretInspector.inspect("sso-tls", Optional.ofNullable(secret), hosts, NOW);
  }

  private static Verdict verdict(Secret secret) {
    return inspect(secret, HOSTS).verdict();
  }

  /** As cert-manager writes it: the chain in tls.crt, the key in PKCS#8. */
  private static Secret secret(Issued issued) {
    return TestResources.tlsSecret("ns", "sso-tls", issued);
  }

  private static Secret secret(String certPem, String keyPem) {
    return TestResources.tlsSecret("ns", "sso-tls", certPem, keyPem);
  }

  /** For the hosts, from a day ago for 90 days, issued by an intermediate CA as cert-manager's. */
  private static Certificates valid() {
    return valid(HOSTS);
  }

  private static Certificates valid(List<String> names) {
    return Certificates.forHosts(names)
        .notBefore(NOW.minus(Duration.ofDays(1)))
        .notAfter(NOW.plus(Duration.ofDays(89)))
        .signedBy(CertificateAuthority.sharedIntermediate());
  }

  @Test
  void acceptsRsaAndEcKeysInEveryPemFormatAndReportsTheCertificate() {
    for (KeyPair key : List.of(Keys.sharedRsa(), Keys.ec())) {
      for (KeyFormat format : KeyFormat.values()) {
        Issued issued = valid().keyPair(key).issue();
        TlsInspection inspection = inspect(secret(issued.chainPem(), issued.keyPem(format)), HOSTS);
        assertThat(inspection.verdict().holds())
            .as("%s %s: %s", key.getPrivate().getAlgorithm(), format, inspection.verdict())
            .isTrue();
        assertThat(inspection.verdict().reason()).isEqualTo(Reason.CERTIFICATE_VALID);
        CertificateInfo info = inspection.certificate().orElseThrow();
        assertThat(info.serial()).isEqualTo(issued.serialHex());
        assertThat(info.serial()).isEqualTo(info.serial().toLowerCase());
        assertThat(info.dnsNames()).containsExactly("sso.example.com");
        // The leaf's issuer, not the next certificate's in tls.crt.
        assertThat(info.issuer()).isEqualTo("CN=akproxy test intermediate");
      }
    }
  }

  @Test
  void acceptsEcKeysOnEveryCurveCertManagerIssuesInPkcs8AndSec1() {
    // P-384 and P-521 keys are longer than 127 bytes: their DER lengths take the long form.
    for (String curve : List.of("secp256r1", "secp384r1", "secp521r1")) {
      KeyPair key = Sec1Keys.generate(curve);
      Issued issued = valid().keyPair(key).issue();
      for (String keyPem :
          List.of(issued.keyPem(KeyFormat.PKCS8), Sec1Keys.pem(key, Sec1Keys.Curve.NAMED))) {
        Verdict verdict = verdict(secret(issued.chainPem(), keyPem));
        assertThat(verdict.holds()).as("%s: %s", curve, verdict).isTrue();
      }
    }
  }

  @Test
  void opensslsEcParametersBlockIsReadAndNamesTheCurveWhenTheKeyDoesNot() {
    KeyPair key = Keys.ec();
    Issued issued = valid().keyPair(key).issue();
    for (String keyPem :
        List.of(issued.keyPem(KeyFormat.TRADITIONAL), Sec1Keys.pem(key, Sec1Keys.Curve.OMITTED))) {
      Verdict verdict = verdict(secret(issued.chainPem(), Sec1Keys.P256_PARAMETERS_BLOCK + keyPem));
      assertThat(verdict.holds()).as(verdict.toString()).isTrue();
    }
    Verdict noCurve = verdict(secret(issued.chainPem(), Sec1Keys.pem(key, Sec1Keys.Curve.OMITTED)));
    assertThat(noCurve.reason()).isEqualTo(Reason.KEY_INVALID);
    assertThat(noCurve.message()).contains("tls.key").contains("names no curve");
  }

  @Test
  void anEcKeyThatSpellsOutItsCurveIsRefusedSayingANamedCurveIsNeeded() {
    // The JDK (so the proxy) reads named curves only; "not valid PEM" would send the user astray.
    KeyPair key = Keys.ec();
    Issued issued = valid().keyPair(key).issue();
    Verdict verdict =
        verdict(secret(issued.chainPem(), Sec1Keys.pem(key, Sec1Keys.Curve.EXPLICIT)));
    assertThat(verdict.reason()).isEqualTo(Reason.KEY_INVALID);
    assertThat(verdict.message()).contains("tls.key").contains("named curve");
  }

  @Test
  void acceptsAnEd25519Key() throws Exception {
    KeyPair ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Verdict verdict = verdict(secret(valid().keyPair(ed25519).issue()));
    assertThat(verdict.holds()).as(verdict.toString()).isTrue();
  }

  @Test
  void anEncryptedKeyIsRefusedAsEncrypted() {
    Issued issued = valid().issue();
    for (String encrypted :
        List.of(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n",
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n")) {
      Verdict verdict = verdict(secret(issued.chainPem(), encrypted));
      assertThat(verdict.reason()).isEqualTo(Reason.KEY_INVALID);
      assertThat(verdict.message()).contains("encrypted");
    }
  }

  @Test
  void aMissingSecretSaysWhatToCreate() {
    Verdict verdict = verdict(null);
    assertThat(verdict.holds()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.SECRET_NOT_FOUND);
    assertThat(verdict.message()).contains("sso-tls").contains("kubernetes.io/tls");
  }

  @Test
  void anOpaqueSecretIsTheWrongType() {
    Secret opaque = new SecretBuilder(secret(valid().issue())).withType("Opaque").build();
    Verdict verdict = verdict(opaque);
    assertThat(verdict.reason()).isEqualTo(Reason.SECRET_WRONG_TYPE);
    assertThat(verdict.message()).contains("Opaque").contains("kubernetes.io/tls");
  }

  @Test
  void garbageInTlsCrtIsAnInvalidCertificate() {
    Verdict verdict = verdict(secret("not a certificate", valid().issue().keyPem()));
    assertThat(verdict.reason()).isEqualTo(Reason.CERTIFICATE_INVALID);
    assertThat(verdict.message()).contains("tls.crt");
  }

  @Test
  void garbageInTlsKeyIsAnInvalidKeyAndTheMessageHoldsNoKeyMaterial() {
    Issued issued = valid().issue();
    String broken = issued.keyPem().replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\nAAAA");
    Verdict verdict = verdict(secret(issued.chainPem(), broken));
    assertThat(verdict.reason()).isEqualTo(Reason.KEY_INVALID);
    assertThat(verdict.message()).doesNotContain("AAAA").doesNotContain("BEGIN");
  }

  @Test
  void aKeyCutShortIsAnInvalidKey() {
    // A copy-paste that lost the end of the key: what is left still decodes, its lengths lie.
    KeyPair ec = Sec1Keys.generate("secp384r1");
    Issued issued = valid().keyPair(ec).issue();
    Issued rsa = valid().keyPair(Keys.sharedRsa()).issue();
    for (String whole :
        List.of(
            issued.keyPem(KeyFormat.PKCS8),
            Sec1Keys.pem(ec, Sec1Keys.Curve.NAMED),
            rsa.keyPem(KeyFormat.TRADITIONAL))) {
      Verdict verdict = verdict(secret(issued.chainPem(), cutShort(whole)));
      assertThat(verdict.reason())
          .as(whole.lines().findFirst().orElseThrow())
          .isEqualTo(Reason.KEY_INVALID);
      assertThat(verdict.message()).contains("tls.key").contains("not valid");
    }
  }

  @Test
  void aKeyWhoseDerEndsInsideAnElementHeaderIsAnInvalidKey() {
    // 30 01 05: a sequence whose only element has a tag and no length; 30 82 01: a length whose
    // second byte is missing. Refused as KeyInvalid, never an exception out of the inspection.
    Issued issued = valid().issue();
    for (String body : List.of("MAEF", "MIIB")) {
      String key = "-----BEGIN EC PRIVATE KEY-----\n" + body + "\n-----END EC PRIVATE KEY-----\n";
      Verdict verdict = verdict(secret(issued.chainPem(), key));
      assertThat(verdict.reason()).as(body).isEqualTo(Reason.KEY_INVALID);
      assertThat(verdict.message()).contains("not valid");
    }
  }

  /** The PEM block with the second half of its base64 body dropped (whole 4-character groups). */
  private static String cutShort(String pem) {
    List<String> lines = pem.lines().toList();
    String body = String.join("", lines.subList(1, lines.size() - 1));
    return lines.get(0)
        + "\n"
        + body.substring(0, body.length() / 8 * 4)
        + "\n"
        + lines.get(lines.size() - 1)
        + "\n";
  }

  @Test
  void aTlsCrtWithoutTlsKeyIsAnInvalidKeyAndStillReportsTheCertificate() {
    Issued issued = valid().issue();
    Secret certificateOnly =
        new SecretBuilder(secret(issued))
            .withData(Map.of("tls.crt", TestResources.base64(issued.chainPem())))
            .build();
    TlsInspection inspection = inspect(certificateOnly, HOSTS);
    assertThat(inspection.verdict().reason()).isEqualTo(Reason.KEY_INVALID);
    assertThat(inspection.verdict().message()).contains("sso-tls").contains("no tls.key");
    assertThat(inspection.certificate().orElseThrow().serial()).isEqualTo(issued.serialHex());
  }

  @Test
  void aKeyOfAnotherCertificateIsAMismatch() {
    Issued issued = valid().issue();
    TlsInspection inspection = inspect(secret(issued.withKeyOf(valid().issue())), HOSTS);
    assertThat(inspection.verdict().reason()).isEqualTo(Reason.KEY_MISMATCH);
    assertThat(inspection.verdict().message()).contains(issued.serialHex());
    // An RSA key against an EC certificate is a mismatch too, not an error.
    Issued rsa = valid().keyPair(Keys.sharedRsa()).issue();
    assertThat(verdict(secret(issued.withKeyOf(rsa))).reason()).isEqualTo(Reason.KEY_MISMATCH);
  }

  @Test
  void anExpiredOrNotYetValidCertificateFailsSayingWhen() {
    Issued expired =
        valid()
            .notBefore(NOW.minus(Duration.ofDays(100)))
            .notAfter(NOW.minus(Duration.ofDays(10)))
            .issue();
    Verdict expiredVerdict = verdict(secret(expired));
    assertThat(expiredVerdict.reason()).isEqualTo(Reason.CERTIFICATE_EXPIRED);
    assertThat(expiredVerdict.message()).contains("expired at " + expired.notAfter());

    Issued future = valid().notBefore(NOW.plus(Duration.ofDays(1))).issue();
    Verdict futureVerdict = verdict(secret(future));
    assertThat(futureVerdict.reason()).isEqualTo(Reason.CERTIFICATE_NOT_YET_VALID);
    assertThat(futureVerdict.message()).contains("not valid before " + future.notBefore());

    // The edges: valid from its first second, expired from its last.
    assertThat(verdict(secret(valid().notBefore(NOW).issue())).holds()).isTrue();
    assertThat(verdict(secret(valid().notAfter(NOW).issue())).reason())
        .isEqualTo(Reason.CERTIFICATE_EXPIRED);
  }

  @Test
  void aCertificateExpiringWithinFourteenDaysStillHoldsButWarns() {
    Instant end = NOW.plus(TlsSecretInspector.EXPIRY_WARNING).minusSeconds(1);
    Verdict soon = verdict(secret(valid().notAfter(end).issue()));
    assertThat(soon.holds()).isTrue();
    assertThat(soon.reason()).isEqualTo(Reason.CERTIFICATE_EXPIRING_SOON);
    assertThat(soon.message())
        .contains("expires at " + end)
        .contains("in 335 hours")
        .contains("renew");
    // Fourteen days left exactly is not yet within the warning.
    Verdict fourteenDays =
        verdict(secret(valid().notAfter(NOW.plus(TlsSecretInspector.EXPIRY_WARNING)).issue()));
    assertThat(fourteenDays.reason()).isEqualTo(Reason.CERTIFICATE_VALID);
  }

  @Test
  void everyHostMustBeCoveredAndWildcardsCoverOneLabel() {
    Issued wildcard = valid(List.of("*.example.com")).issue();
    assertThat(inspect(secret(wildcard), List.of("sso.example.com")).verdict().holds()).isTrue();
    Verdict deeper =
        inspect(secret(wildcard), List.of("a.sso.example.com", "example.com", ".example.com"))
            .verdict();
    assertThat(deeper.reason()).isEqualTo(Reason.HOSTS_NOT_COVERED);
    assertThat(deeper.message())
        .contains("does not cover a.sso.example.com, example.com, .example.com")
        .contains("its DNS names: *.example.com");
    assertThat(
            inspect(secret(valid().issue()), List.of("sso.example.com", "login.example.com"))
                .verdict()
                .reason())
        .isEqualTo(Reason.HOSTS_NOT_COVERED);
  }

  @Test
  void aCertificateWithOnlyACommonNameCoversNoHostAndSaysItHasNoDnsNames() {
    // Clients match DNS names only (RFC 6125); a CN-only certificate covers nothing.
    Issued commonNameOnly = valid(List.of()).commonName("sso.example.com").issue();
    Verdict verdict = verdict(secret(commonNameOnly));
    assertThat(verdict.reason()).isEqualTo(Reason.HOSTS_NOT_COVERED);
    assertThat(verdict.message()).contains("its DNS names: none");
  }

  @Test
  void missingOrEmptyDataKeysAreReportedByName() {
    // Empty values: a Secret created ahead of its first issuance, as cert-manager can leave it.
    for (Map<String, String> data :
        List.of(Map.<String, String>of(), Map.of("tls.crt", "", "tls.key", ""))) {
      Secret unfilled =
          new SecretBuilder()
              .withNewMetadata()
              .withName("sso-tls")
              .endMetadata()
              .withType("kubernetes.io/tls")
              .withData(data)
              .build();
      Verdict verdict = verdict(unfilled);
      assertThat(verdict.reason()).isEqualTo(Reason.CERTIFICATE_INVALID);
      assertThat(verdict.message()).isEqualTo("Secret sso-tls has no tls.crt data");
    }
  }
}
