package io.akproxy.testkit.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates, made on the spot. One builder covers what tests need: leaves and CAs, EC or
 * RSA, self-signed or issued by a {@link CertificateAuthority}, DNS and IP SANs, any validity
 * window. By default a certificate is valid from now (to the second) for 90 days: cert-manager
 * issues with {@code notBefore = now} and 90 days, not backdated, so a test that trusts a backdated
 * certificate would hide a clock-skew bug.
 *
 * <pre>{@code
 * Issued cert = Certificates.forHosts("sso.example.com").issue();              // self-signed EC
 * Issued leaf = Certificates.forHosts("sso.example.com").rsa().signedBy(ca).issue();
 * Issued old  = Certificates.forHosts("sso.example.com").expired().issue();
 * Issued bad  = cert.withKeyOf(Certificates.forHosts("sso.example.com").issue()); // key mismatch
 * }</pre>
 */
public final class Certificates {

  /** cert-manager's default duration. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final List<String> names;
  private String commonName;
  private KeyPair keyPair;
  private CertificateAuthority issuer;
  private Clock clock = Clock.systemUTC();
  private Instant notBefore;
  private Instant notAfter;
  private Duration validity = DEFAULT_VALIDITY;
  private boolean ca;

  private Certificates(List<String> names) {
    this.names = List.copyOf(names);
  }

  /** A certificate for these SANs (DNS names, or IPv4/IPv6 literals as IP SANs). */
  public static Certificates forHosts(String... names) {
    return new Certificates(List.of(names));
  }

  public static Certificates forHosts(List<String> names) {
    return new Certificates(names);
  }

  /** The subject's CN; by default the first name, or {@code akproxy-test} without names. */
  public Certificates commonName(String commonName) {
    this.commonName = commonName;
    return this;
  }

  /** A fresh P-256 key (the default). */
  public Certificates ec() {
    this.keyPair = null;
    return this;
  }

  /** An RSA 2048 key (the JVM's shared one: generating RSA keys is slow). */
  public Certificates rsa() {
    this.keyPair = Keys.sharedRsa();
    return this;
  }

  public Certificates keyPair(KeyPair keyPair) {
    this.keyPair = keyPair;
    return this;
  }

  /** Signed by {@code issuer} instead of by its own key. */
  public Certificates signedBy(CertificateAuthority issuer) {
    this.issuer = issuer;
    return this;
  }

  /** Reads "now" from {@code clock}, so certificates follow a test's controllable clock. */
  public Certificates clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public Certificates validFor(Duration validity) {
    this.validity = validity;
    this.notAfter = null;
    return this;
  }

  public Certificates notBefore(Instant notBefore) {
    this.notBefore = notBefore;
    return this;
  }

  public Certificates notAfter(Instant notAfter) {
    this.notAfter = notAfter;
    return this;
  }

  /** Expired: valid from two hours ago until one hour ago. */
  public Certificates expired() {
    Instant now = clock.instant();
    return notBefore(now.minus(Duration.ofHours(2))).notAfter(now.minus(Duration.ofHours(1)));
  }

  /** Not valid yet: valid from {@code in} from now, for the usual validity. */
  public Certificates notYetValid(Duration in) {
    return notBefore(clock.instant().plus(in));
  }

  /** A CA certificate (basicConstraints CA, keyCertSign); see {@link CertificateAuthority}. */
  Certificates asCa() {
    this.ca = true;
    return this;
  }

  public Issued issue() {
    KeyPair keys = keyPair != null ? keyPair : Keys.ec();
    // X.509 times carry whole seconds: truncate rather than let the encoder round into the future.
    Instant from =
        (notBefore != null ? notBefore : clock.instant()).truncatedTo(ChronoUnit.SECONDS);
    Instant until = notAfter != null ? notAfter : from.plus(validity);
    X500Name subject = new X500Name("CN=" + subjectName());
    X500Name issuerName =
        issuer == null
            ? subject
            : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
    PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.keyPair().getPrivate();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName,
              new BigInteger(64, Keys.RANDOM).setBit(63),
              Date.from(from),
              Date.from(until),
              subject,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              ca
                  ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                  : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(keys.getPublic()));
      if (issuer != null) {
        builder.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            extensions.createAuthorityKeyIdentifier(issuer.certificate()));
      }
      if (!names.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.stream().map(Certificates::san).toArray(GeneralName[]::new)));
      }
      String algorithm =
          signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(new JcaContentSignerBuilder(algorithm).build(signingKey)));
      List<X509Certificate> chain = new ArrayList<>();
      if (issuer != null) {
        chain.add(issuer.certificate());
        chain.addAll(issuer.issued().issuers());
      }
      return new Issued(certificate, keys, chain);
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("issuing a test certificate for " + names, e);
    }
  }

  private String subjectName() {
    if (commonName != null) {
      return commonName;
    }
    return names.isEmpty() ? "akproxy-test" : names.get(0);
  }

  private static GeneralName san(String name) {
    Objects.requireNonNull(name);
    if (IPV4.matcher(name).matches() || name.contains(":")) {
      try {
        return new GeneralName(
            GeneralName.iPAddress, new DEROctetString(InetAddress.getByName(name).getAddress()));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP literal: " + name, e);
      }
    }
    return new GeneralName(GeneralName.dNSName, name);
  }
}
