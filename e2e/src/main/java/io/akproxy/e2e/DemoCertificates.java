package io.akproxy.e2e;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed EC certificates for the demo and the end-to-end tests; never for production. */
public final class DemoCertificates {

  private static final SecureRandom RANDOM = new SecureRandom();

  private DemoCertificates() {}

  /**
   * A certificate and its key, as objects and as PEM (the form a kubernetes.io/tls Secret holds).
   */
  public record Issued(X509Certificate certificate, KeyPair keyPair) {

    public String serialHex() {
      return certificate.getSerialNumber().toString(16);
    }

    public String certificatePem() {
      try {
        return pem("CERTIFICATE", certificate.getEncoded());
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }

    /** PKCS#8, as cert-manager writes it. */
    public String privateKeyPem() {
      return pem("PRIVATE KEY", keyPair.getPrivate().getEncoded());
    }

    /**
     * A {@code kubernetes.io/tls} Secret holding this certificate and key, as cert-manager writes
     * it.
     */
    public io.fabric8.kubernetes.api.model.Secret tlsSecret(String namespace, String name) {
      java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
      return new io.fabric8.kubernetes.api.model.SecretBuilder()
          .withNewMetadata()
          .withName(name)
          .withNamespace(namespace)
          .endMetadata()
          .withType("kubernetes.io/tls")
          .addToData(
              "tls.crt",
              base64.encodeToString(
                  certificatePem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
          .addToData(
              "tls.key",
              base64.encodeToString(
                  privateKeyPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
          .build();
    }

    /** A server-side SSLContext presenting this certificate. */
    public SSLContext serverContext() {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "demo".toCharArray();
        store.setKeyEntry(
            "server", keyPair.getPrivate(), password, new X509Certificate[] {certificate});
        KeyManagerFactory keys =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, RANDOM);
        return context;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("building a demo SSLContext", e);
      }
    }
  }

  /**
   * A self-signed certificate for {@code dnsNames}, valid from an hour ago for {@code validity}.
   */
  public static Issued selfSigned(List<String> dnsNames, Duration validity) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair keyPair = generator.generateKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + dnsNames.get(0));
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(64, RANDOM).setBit(63),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(validity)),
              subject,
              keyPair.getPublic());
      GeneralName[] names =
          dnsNames.stream()
              .map(n -> new GeneralName(GeneralName.dNSName, n))
              .toArray(GeneralName[]::new);
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
      return new Issued(certificate, keyPair);
    } catch (GeneralSecurityException
        | org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException("issuing a demo certificate", e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body =
        java.util.Base64.getMimeEncoder(
                64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
