package io.akproxy.testkit.pki;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * A test CA: a self-signed root, or an intermediate under another CA. Valid for ten years from now.
 *
 * <pre>{@code
 * CertificateAuthority root = CertificateAuthority.root("akproxy test root");
 * CertificateAuthority intermediate = root.intermediate("akproxy test intermediate");
 * Issued leaf = intermediate.issue(Certificates.forHosts("sso.example.com"));
 * leaf.chainPem();   // leaf + intermediate, as cert-manager's tls.crt
 * leaf.rootPem();    // the root, as its ca.crt
 * }</pre>
 */
public final class CertificateAuthority {

  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static CertificateAuthority shared;

  private final Issued issued;

  private CertificateAuthority(Issued issued) {
    this.issued = issued;
  }

  public static CertificateAuthority root(String commonName) {
    return root(commonName, Clock.systemUTC());
  }

  public static CertificateAuthority root(String commonName, Clock clock) {
    return new CertificateAuthority(
        Certificates.forHosts()
            .commonName(commonName)
            .clock(clock)
            .validFor(CA_VALIDITY)
            .asCa()
            .issue());
  }

  /**
   * One root and intermediate per JVM ({@code akproxy test root} → {@code akproxy test
   * intermediate}), for tests that need a chain but not their own.
   */
  public static synchronized CertificateAuthority sharedIntermediate() {
    if (shared == null) {
      shared = root("akproxy test root").intermediate("akproxy test intermediate");
    }
    return shared;
  }

  /** An intermediate CA signed by this one. */
  public CertificateAuthority intermediate(String commonName) {
    return new CertificateAuthority(
        Certificates.forHosts()
            .commonName(commonName)
            .validFor(CA_VALIDITY)
            .signedBy(this)
            .asCa()
            .issue());
  }

  /** Issues {@code request} with this CA. */
  public Issued issue(Certificates request) {
    return request.signedBy(this).issue();
  }

  public X509Certificate certificate() {
    return issued.certificate();
  }

  public KeyPair keyPair() {
    return issued.keyPair();
  }

  /** This CA's own certificate, key and chain. */
  public Issued issued() {
    return issued;
  }

  public X509Certificate rootCertificate() {
    return issued.root();
  }

  public String rootPem() {
    return issued.rootPem();
  }

  /** A client context trusting this CA's root. */
  public SSLContext trustContext() {
    return TlsContexts.trusting(List.of(rootCertificate()));
  }
}
