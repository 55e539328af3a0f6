package io.akproxy.runtime.support;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Certificates made on the spot with BouncyCastle: a root CA, an intermediate, and leaves. */
public final class TestPki {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate with its key pair. */
  public record Issued(X509Certificate certificate, KeyPair keys) {
    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    public String serialHex() {
      return certificate.getSerialNumber().toString(16);
    }
  }

  /** How a private key is written. */
  public enum KeyFormat {
    /** {@code BEGIN PRIVATE KEY}. */
    PKCS8,
    /** {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY}. */
    TRADITIONAL
  }

  private final Issued root;
  private final Issued intermediate;

  private TestPki() {
    this.root = issue(null, "akproxy test root", List.of(), ec(), true, Duration.ofDays(3650), 0);
    this.intermediate =
        issue(root, "akproxy test intermediate", List.of(), ec(), true, Duration.ofDays(3650), 0);
  }

  private static TestPki shared;

  /** One hierarchy per JVM: generating keys is the slow part. */
  public static synchronized TestPki get() {
    if (shared == null) {
      shared = new TestPki();
    }
    return shared;
  }

  public Issued root() {
    return root;
  }

  public Issued intermediate() {
    return intermediate;
  }

  /** A leaf for the names, signed by the intermediate, valid from an hour ago for a year. */
  public Issued leaf(KeyPair keys, String... dnsNames) {
    return issue(
        intermediate, dnsNames[0], List.of(dnsNames), keys, false, Duration.ofDays(365), 0);
  }

  /** A leaf already expired an hour ago. */
  public Issued expiredLeaf(KeyPair keys, String... dnsNames) {
    return issue(
        intermediate, dnsNames[0], List.of(dnsNames), keys, false, Duration.ofHours(1), -2);
  }

  public static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @param shiftHours moves the validity window (negative: into the past)
   */
  private static Issued issue(
      Issued issuer,
      String commonName,
      List<String> dnsNames,
      KeyPair keys,
      boolean ca,
      Duration validity,
      long shiftHours) {
    try {
      Instant notBefore =
          Instant.now().minus(Duration.ofHours(1)).plus(Duration.ofHours(shiftHours));
      X500Name subject = new X500Name("CN=" + commonName);
      X500Name issuerName =
          issuer == null
              ? subject
              : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName,
              new BigInteger(64, RANDOM).add(BigInteger.ONE),
              Date.from(notBefore),
              Date.from(notBefore.plus(validity)),
              subject,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      }
      if (!dnsNames.isEmpty()) {
        GeneralName[] names =
            dnsNames.stream()
                .map(
                    name ->
                        name.matches("[0-9.]+")
                            ? new GeneralName(GeneralName.iPAddress, name)
                            : new GeneralName(GeneralName.dNSName, name))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
      String algorithm =
          signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(new JcaContentSignerBuilder(algorithm).build(signingKey)));
      return new Issued(certificate, keys);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM of certificates, in order. */
  public static String pem(X509Certificate... certificates) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }

  /** The leaf followed by the intermediate, as cert-manager writes {@code tls.crt}. */
  public String chainPem(Issued leaf) {
    return pem(leaf.certificate(), intermediate.certificate());
  }

  public static String keyPem(PrivateKey key, KeyFormat format) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      if (format == KeyFormat.PKCS8) {
        writer.writeObject(new JcaPKCS8Generator(key, null));
      } else if (key.getAlgorithm().equals("EC")) {
        writer.writeObject(new PemObject("EC PRIVATE KEY", sec1(key)));
      } else {
        writer.writeObject(key);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }

  /**
   * SEC1 with the curve named inside, as OpenSSL and Go (so cert-manager) write it; BouncyCastle
   * alone leaves the parameters out.
   */
  private static byte[] sec1(PrivateKey key) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    return new ECPrivateKey(
            256,
            inner.getKey(),
            inner.getPublicKey(),
            info.getPrivateKeyAlgorithm().getParameters())
        .getEncoded();
  }

  /** A JDK TLS context that trusts this hierarchy's root. */
  public SSLContext clientContext() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("root", root.certificate());
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), RANDOM);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public String rootPem() {
    return pem(root.certificate());
  }
}
