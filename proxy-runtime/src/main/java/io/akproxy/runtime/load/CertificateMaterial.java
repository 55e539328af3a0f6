package io.akproxy.runtime.load;

import io.akproxy.runtime.vertx.VertxInternals;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;

/**
 * The client-facing certificate chain and its private key, checked before they are served: the PEM
 * parses (RSA or EC, PKCS#1, SEC1 or PKCS#8), the key matches the leaf and the leaf is valid now.
 * The PEM bytes are kept so the TLS listener is given exactly the bytes that were checked, never a
 * file that might have changed since.
 */
public final class CertificateMaterial {

  private static final byte[] CHALLENGE = "akproxy key/certificate match".getBytes();

  private final byte[] certPem;
  private final byte[] keyPem;
  private final CertificateInfo info;
  private final int chainLength;

  private CertificateMaterial(
      byte[] certPem, byte[] keyPem, CertificateInfo info, int chainLength) {
    this.certPem = certPem;
    this.keyPem = keyPem;
    this.info = info;
    this.chainLength = chainLength;
  }

  /**
   * Checks and keeps a certificate chain (leaf first) and its key.
   *
   * @throws LoadException naming the file and the reason; never the key's content
   */
  public static CertificateMaterial load(
      byte[] certPem, String certFile, byte[] keyPem, String keyFile, Instant now)
      throws LoadException {
    X509Certificate[] chain;
    PrivateKey key;
    try {
      KeyStore store = VertxInternals.keyStore(keyPem, certPem);
      String alias = Collections.list(store.aliases()).get(0);
      KeyStore.PrivateKeyEntry entry =
          (KeyStore.PrivateKeyEntry)
              store.getEntry(
                  alias, new KeyStore.PasswordProtection(VertxInternals.keyStorePassword()));
      key = entry.getPrivateKey();
      Certificate[] certificates = entry.getCertificateChain();
      chain = Arrays.copyOf(certificates, certificates.length, X509Certificate[].class);
    } catch (Exception e) {
      throw new LoadException(describeParseFailure(e, certPem, certFile, keyPem, keyFile));
    }
    X509Certificate leaf = chain[0];
    if (!keyMatches(key, leaf.getPublicKey())) {
      throw new LoadException(
          keyFile + ": the private key does not match the certificate in " + certFile);
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      throw LoadException.timeDependent(
          certFile + ": the certificate is not valid before " + leaf.getNotBefore().toInstant());
    }
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new LoadException(
          certFile + ": the certificate expired at " + leaf.getNotAfter().toInstant());
    }
    return new CertificateMaterial(
        certPem.clone(), keyPem.clone(), CertificateInfo.of(leaf), chain.length);
  }

  private static String describeParseFailure(
      Exception e, byte[] certPem, String certFile, byte[] keyPem, String keyFile) {
    // Blame the file that does not parse on its own, so the message points at the right Secret key.
    if (PemCertificates.parse(certPem).isEmpty()) {
      return certFile + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)";
    }
    String pem = new String(keyPem, java.nio.charset.StandardCharsets.US_ASCII);
    if (!pem.contains("-----BEGIN ") || !pem.contains(" PRIVATE KEY-----")) {
      return keyFile
          + ": no PEM private key found (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)";
    }
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return keyFile + " / " + certFile + ": cannot be loaded: " + reason;
  }

  /** Signs a fixed challenge with the key and verifies it with the certificate's public key. */
  static boolean keyMatches(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key, new SecureRandom());
      signer.update(CHALLENGE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(CHALLENGE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  public byte[] certPem() {
    return certPem.clone();
  }

  public byte[] keyPem() {
    return keyPem.clone();
  }

  public CertificateInfo info() {
    return info;
  }

  public int chainLength() {
    return chainLength;
  }

  /** Never prints key material. */
  @Override
  public String toString() {
    return "CertificateMaterial[serial=" + info.serial() + ", notAfter=" + info.notAfter() + "]";
  }
}
