package io.akproxy.testkit.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.akproxy.testkit.time.ManualClock;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.Test;

class CertificatesTest {

  private static final String HOST = "sso.example.com";

  @Test
  void byDefaultACertificateIsValidFromNowForNinetyDaysLikeCertManagerIssuesIt() {
    ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:15:30.750Z"));

    Issued issued = Certificates.forHosts(HOST).clock(clock).issue();

    assertThat(issued.notBefore()).isEqualTo(Instant.parse("2026-03-01T10:15:30Z"));
    assertThat(issued.notAfter()).isEqualTo(Instant.parse("2026-05-30T10:15:30Z"));
  }

  @Test
  void onTheSystemClockNotBeforeIsNowNotBackdated() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    Issued issued = Certificates.forHosts(HOST).issue();

    assertThat(issued.notBefore()).isBetween(before, Instant.now());
  }

  @Test
  void dnsAndIpNamesBecomeTheMatchingSubjectAlternativeNames() throws Exception {
    Issued issued = Certificates.forHosts(HOST, "127.0.0.1", "::1").issue();

    List<String> names = new ArrayList<>();
    for (List<?> san : issued.certificate().getSubjectAlternativeNames()) {
      names.add(san.get(0) + "=" + san.get(1));
    }
    assertThat(names)
        .containsExactly(
            "2=" + HOST, "7=127.0.0.1", "7=" + InetAddress.getByName("::1").getHostAddress());
    assertThat(issued.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=" + HOST);
  }

  @Test
  void aSelfSignedCertificateIsItsOwnIssuerAndRoot() throws Exception {
    Issued issued = Certificates.forHosts(HOST).issue();

    issued.certificate().verify(issued.keyPair().getPublic());
    assertThat(issued.issuers()).isEmpty();
    assertThat(issued.root()).isSameAs(issued.certificate());
    assertThat(issued.certificate().getBasicConstraints()).isEqualTo(-1);
    assertThat(issued.tlsSecretData()).containsOnlyKeys("tls.crt", "tls.key");
  }

  @Test
  void aLeafFromAnIntermediateValidatesAgainstTheRootAndTheChainLeavesTheRootOut()
      throws Exception {
    CertificateAuthority root = CertificateAuthority.root("test root");
    CertificateAuthority intermediate = root.intermediate("test intermediate");

    Issued leaf = intermediate.issue(Certificates.forHosts(HOST));

    List<X509Certificate> chain = parse(leaf.chainPem());
    assertThat(chain).containsExactly(leaf.certificate(), intermediate.certificate());
    assertThat(parse(leaf.rootPem())).containsExactly(root.certificate());
    PKIXParameters parameters =
        new PKIXParameters(Set.of(new TrustAnchor(root.certificate(), null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
    assertThat(intermediate.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(decode(leaf.tlsSecretData().get("tls.crt"))).isEqualTo(leaf.chainPem());
    assertThat(decode(leaf.tlsSecretData().get("ca.crt"))).isEqualTo(root.rootPem());
  }

  @Test
  void keysArePemInPkcs8OrTheTraditionalFormOpensslWrites() throws Exception {
    Issued ec = Certificates.forHosts(HOST).issue();
    Issued rsa = Certificates.forHosts(HOST).rsa().issue();

    assertThat(ec.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(ec.keyPem(KeyFormat.TRADITIONAL)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(rsa.keyPem(KeyFormat.TRADITIONAL)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(rsa.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(ec.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
    // Every form reads back to the same key.
    for (Issued issued : List.of(ec, rsa)) {
      for (KeyFormat format : KeyFormat.values()) {
        assertThat(sameKey(readKey(issued.keyPem(format)), issued.keyPair().getPrivate()))
            .as(format.name())
            .isTrue();
      }
    }
  }

  @Test
  void aSec1KeyNamesItsCurveInsideAsOpensslAndGoWriteIt() throws Exception {
    Issued ec = Certificates.forHosts(HOST).issue();

    try (PEMParser parser = new PEMParser(new StringReader(ec.keyPem(KeyFormat.TRADITIONAL)))) {
      PEMKeyPair pair = (PEMKeyPair) parser.readObject();
      ECPrivateKey sec1 =
          ECPrivateKey.getInstance(pair.getPrivateKeyInfo().parsePrivateKey().toASN1Primitive());
      assertThat(sec1.getParametersObject()).isEqualTo(X9ObjectIdentifiers.prime256v1);
    }
  }

  @Test
  void withKeyOfPairsTheCertificateWithAKeyThatDoesNotMatch() {
    Issued first = Certificates.forHosts(HOST).issue();
    Issued second = Certificates.forHosts(HOST).issue();

    Issued mismatched = first.withKeyOf(second);

    assertThat(mismatched.certificate()).isEqualTo(first.certificate());
    assertThat(mismatched.keyPair().getPublic())
        .isNotEqualTo(mismatched.certificate().getPublicKey());
    assertThat(mismatched.keyPem()).isEqualTo(second.keyPem());
  }

  @Test
  void anExpiredCertificateIsExpiredAndANotYetValidOneBecomesValidWhenItsTimeComes()
      throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    Issued expired = Certificates.forHosts(HOST).clock(clock).expired().issue();
    Issued later =
        Certificates.forHosts(HOST).clock(clock).notYetValid(Duration.ofMinutes(5)).issue();

    assertThatThrownBy(() -> expired.certificate().checkValidity(Date.from(clock.instant())))
        .isInstanceOf(CertificateExpiredException.class);
    assertThatThrownBy(() -> later.certificate().checkValidity(Date.from(clock.instant())))
        .isInstanceOf(CertificateNotYetValidException.class);
    clock.advance(Duration.ofMinutes(5));
    later.certificate().checkValidity(Date.from(clock.instant()));
  }

  @Test
  void anExplicitWindowIsKept() {
    Instant from = Instant.parse("2025-01-01T00:00:00Z");
    Instant until = Instant.parse("2025-01-02T00:00:00Z");

    Issued issued = Certificates.forHosts(HOST).notBefore(from).notAfter(until).issue();

    assertThat(issued.notBefore()).isEqualTo(from);
    assertThat(issued.notAfter()).isEqualTo(until);
  }

  @Test
  void serialsDifferAndPrintAsTheOperatorPrintsThem() {
    Issued first = Certificates.forHosts(HOST).issue();
    Issued second = Certificates.forHosts(HOST).issue();

    assertThat(first.serial()).isNotEqualTo(second.serial());
    assertThat(first.serialHex()).isEqualTo(first.certificate().getSerialNumber().toString(16));
    assertThat(first.serial().signum()).isPositive();
  }

  private static List<X509Certificate> parse(String pem) throws Exception {
    List<X509Certificate> certificates = new ArrayList<>();
    for (var certificate :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      certificates.add((X509Certificate) certificate);
    }
    return certificates;
  }

  private static java.security.PrivateKey readKey(String pem) throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      return object instanceof PEMKeyPair pair
          ? converter.getPrivateKey(pair.getPrivateKeyInfo())
          : converter.getPrivateKey((PrivateKeyInfo) object);
    }
  }

  /** The same private value: encodings differ (SEC1 keeps the curve inside the PKCS#8 too). */
  private static boolean sameKey(java.security.PrivateKey read, java.security.PrivateKey original) {
    if (read instanceof java.security.interfaces.ECPrivateKey ec) {
      return ec.getS().equals(((java.security.interfaces.ECPrivateKey) original).getS());
    }
    return java.util.Arrays.equals(read.getEncoded(), original.getEncoded());
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }
}
