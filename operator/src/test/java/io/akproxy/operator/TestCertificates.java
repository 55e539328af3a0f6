package io.akproxy.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Real certificates and keys for tests, made on the spot. */
public final class TestCertificates {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static KeyPair rsa;

  private TestCertificates() {}

  /** A certificate, its key in PEM, and the facts tests assert on. */
  public record Issued(String certPem, String keyPem, BigInteger serial, PrivateKey key) {
    public String serialHex() {
      return serial.toString(16);
    }
  }

  public enum KeyFormat {
    /** "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1), as openssl writes them. */
    TRADITIONAL,
    /** "PRIVATE KEY" (PKCS#8), as cert-manager writes them with encoding PKCS8. */
    PKCS8
  }

  public static KeyPair ecKey() {
    try {
      // BouncyCastle's EC keys carry their curve inside, so their SEC1 form is what openssl writes.
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** One RSA key for the whole run: generating them is slow. */
  public static synchronized KeyPair rsaKey() {
    if (rsa == null) {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rsa = generator.generateKeyPair();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return rsa;
  }

  /** An EC certificate for {@code names}, valid from an hour ago for {@code validFor}. */
  public static Issued issue(List<String> names, Duration validFor) {
    Instant now = Instant.now();
    return issue(
        ecKey(), names, now.minus(Duration.ofHours(1)), now.plus(validFor), KeyFormat.PKCS8);
  }

  public static Issued issue(
      KeyPair keyPair, List<String> names, Instant notBefore, Instant notAfter, KeyFormat format) {
    try {
      BigInteger serial = new BigInteger(64, RANDOM).add(BigInteger.ONE);
      X500Name subject = new X500Name("CN=" + (names.isEmpty() ? "akproxy-test" : names.get(0)));
      X500Name issuer = new X500Name("O=akproxy,CN=akproxy test CA");
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              serial,
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              keyPair.getPublic());
      if (!names.isEmpty()) {
        GeneralName[] sans =
            names.stream()
                .map(n -> new GeneralName(GeneralName.dNSName, n))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      }
      String algorithm =
          switch (keyPair.getPrivate().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EdDSA", "Ed25519" -> "Ed25519";
            default -> "SHA256withECDSA";
          };
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder(algorithm).build(keyPair.getPrivate())));
      return new Issued(
          pem(certificate), keyPem(keyPair.getPrivate(), format), serial, keyPair.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String keyPem(PrivateKey key, KeyFormat format) {
    try {
      return format == KeyFormat.PKCS8 ? pem(new JcaPKCS8Generator(key, null)) : pem(key);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Secret tlsSecret(String namespace, String name, Issued issued) {
    return tlsSecret(namespace, name, issued.certPem(), issued.keyPem());
  }

  public static Secret tlsSecret(String namespace, String name, String certPem, String keyPem) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of("tls.crt", base64(certPem), "tls.key", base64(keyPem)))
        .build();
  }

  public static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
