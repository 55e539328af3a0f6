package io.akproxy.testkit.pki;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A certificate, its key pair and the chain above it.
 *
 * @param certificate the leaf (or CA) certificate
 * @param keyPair the key pair the certificate is meant for; {@link #withKeyOf} pairs it with
 *     another one, as a broken Secret does
 * @param issuers the certificates above it, nearest first, up to and including the root; empty for
 *     a self-signed certificate
 */
public record Issued(X509Certificate certificate, KeyPair keyPair, List<X509Certificate> issuers) {

  public Issued {
    issuers = List.copyOf(issuers);
  }

  public BigInteger serial() {
    return certificate.getSerialNumber();
  }

  /** The serial in lower-case hex without leading zeros, as the operator's status writes it. */
  public String serialHex() {
    return certificate.getSerialNumber().toString(16);
  }

  public Instant notBefore() {
    return certificate.getNotBefore().toInstant();
  }

  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  /** The root of the chain: the top issuer, or the certificate itself when self-signed. */
  public X509Certificate root() {
    return issuers.isEmpty() ? certificate : issuers.get(issuers.size() - 1);
  }

  /** This certificate alone, in PEM. */
  public String certificatePem() {
    return Pem.certificates(certificate);
  }

  /**
   * The certificate followed by its intermediates (the root left out), as cert-manager writes
   * {@code tls.crt}.
   */
  public String chainPem() {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(certificate);
    if (!issuers.isEmpty()) {
      chain.addAll(issuers.subList(0, issuers.size() - 1));
    }
    return Pem.certificates(chain);
  }

  /** The root in PEM, as cert-manager writes {@code ca.crt}. */
  public String rootPem() {
    return Pem.certificates(root());
  }

  /** The private key in PKCS#8. */
  public String keyPem() {
    return keyPem(KeyFormat.PKCS8);
  }

  public String keyPem(KeyFormat format) {
    return Pem.privateKey(keyPair.getPrivate(), format);
  }

  /** The same certificate with another certificate's key: a Secret whose key does not match. */
  public Issued withKeyOf(Issued other) {
    return new Issued(certificate, other.keyPair, issuers);
  }

  /**
   * The {@code data} of a {@code kubernetes.io/tls} Secret as cert-manager writes it (base64):
   * {@code tls.crt} (the chain), {@code tls.key} (PKCS#8) and, when issued by a CA, {@code ca.crt}.
   */
  public Map<String, String> tlsSecretData() {
    return tlsSecretData(KeyFormat.PKCS8);
  }

  public Map<String, String> tlsSecretData(KeyFormat keyFormat) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("tls.crt", base64(chainPem()));
    data.put("tls.key", base64(keyPem(keyFormat)));
    if (!issuers.isEmpty()) {
      data.put("ca.crt", base64(rootPem()));
    }
    return data;
  }

  /** A server-side context presenting this certificate and its chain (TLS 1.3 and 1.2). */
  public SSLContext serverContext() {
    return TlsContexts.server(this);
  }

  /** A client-side context trusting this certificate's root. */
  public SSLContext trustContext() {
    return TlsContexts.trusting(List.of(root()));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
