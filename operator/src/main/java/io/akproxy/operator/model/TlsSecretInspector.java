package io.akproxy.operator.model;

import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a {@code kubernetes.io/tls} Secret before the proxy is pointed at it: present, right type,
 * certificate parses, key parses and fits, within validity, covers every host. Pure: the Secret and
 * the time are given.
 */
public final class TlsSecretInspector {

  public static final String TLS_SECRET_TYPE = "kubernetes.io/tls";
  public static final String CERT_KEY = "tls.crt";
  public static final String KEY_KEY = "tls.key";

  /** A certificate closer than this to its end is reported while still served. */
  public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  private TlsSecretInspector() {}

  public static TlsInspection inspect(
      String secretName, Optional<Secret> secret, List<String> hosts, Instant now) {
    if (secret.isEmpty()) {
      return failed(
          Reason.SECRET_NOT_FOUND,
          "Secret "
              + secretName
              + " not found; create a kubernetes.io/tls Secret with tls.crt and tls.key (e.g. a"
              + " cert-manager Certificate with secretName "
              + secretName
              + ")");
    }
    Secret found = secret.get();
    if (!TLS_SECRET_TYPE.equals(found.getType())) {
      return failed(
          Reason.SECRET_WRONG_TYPE,
          "Secret "
              + secretName
              + " has type "
              + found.getType()
              + "; it must be of type "
              + TLS_SECRET_TYPE);
    }
    Optional<String> certPem = decoded(found, CERT_KEY);
    if (certPem.isEmpty()) {
      return failed(
          Reason.CERTIFICATE_INVALID, "Secret " + secretName + " has no " + CERT_KEY + " data");
    }
    X509Certificate leaf;
    CertificateInfo info;
    try {
      List<X509Certificate> chain = parseCertificates(certPem.get());
      if (chain.isEmpty()) {
        return failed(
            Reason.CERTIFICATE_INVALID,
            "Secret " + secretName + " " + CERT_KEY + " holds no PEM certificate");
      }
      leaf = chain.get(0);
      info = CertificateInfo.of(leaf);
    } catch (CertificateException e) {
      return failed(
          Reason.CERTIFICATE_INVALID,
          "Secret " + secretName + " " + CERT_KEY + " is not a valid PEM certificate chain");
    }
    Optional<String> keyPem = decoded(found, KEY_KEY);
    if (keyPem.isEmpty()) {
      return failed(
          Reason.KEY_INVALID, "Secret " + secretName + " has no " + KEY_KEY + " data", info);
    }
    try {
      PrivateKey key = PemKeys.parse(keyPem.get());
      if (!PemKeys.fits(key, leaf.getPublicKey())) {
        return failed(
            Reason.KEY_MISMATCH,
            "Secret "
                + secretName
                + ": "
                + KEY_KEY
                + " is not the private key of the certificate in "
                + CERT_KEY
                + " (serial "
                + info.serial()
                + ")",
            info);
      }
    } catch (PemKeys.KeyException e) {
      return failed(
          Reason.KEY_INVALID, "Secret " + secretName + " " + KEY_KEY + ": " + e.getMessage(), info);
    }
    if (now.isBefore(info.notBefore())) {
      return failed(
          Reason.CERTIFICATE_NOT_YET_VALID,
          "the certificate in Secret "
              + secretName
              + " is not valid before "
              + seconds(info.notBefore()),
          info);
    }
    if (!now.isBefore(info.notAfter())) {
      return failed(
          Reason.CERTIFICATE_EXPIRED,
          "the certificate in Secret "
              + secretName
              + " expired at "
              + seconds(info.notAfter())
              + "; renew it (cert-manager renews automatically when the Certificate is healthy)",
          info);
    }
    List<String> uncovered = hosts.stream().filter(host -> !info.covers(host)).toList();
    if (!uncovered.isEmpty()) {
      return failed(
          Reason.HOSTS_NOT_COVERED,
          "the certificate in Secret "
              + secretName
              + " does not cover "
              + String.join(", ", uncovered)
              + " (its DNS names: "
              + (info.dnsNames().isEmpty() ? "none" : String.join(", ", info.dnsNames()))
              + ")",
          info);
    }
    Duration left = Duration.between(now, info.notAfter());
    if (left.compareTo(EXPIRY_WARNING) < 0) {
      return new TlsInspection(
          Verdict.holds(
              Reason.CERTIFICATE_EXPIRING_SOON,
              "the certificate in Secret "
                  + secretName
                  + " expires at "
                  + seconds(info.notAfter())
                  + " (in "
                  + Math.max(0, left.toHours())
                  + " hours); renew it"),
          Optional.of(info));
    }
    return new TlsInspection(
        Verdict.holds(
            Reason.CERTIFICATE_VALID,
            "certificate serial "
                + info.serial()
                + " valid until "
                + seconds(info.notAfter())
                + ", covers every host"),
        Optional.of(info));
  }

  /** Every certificate in a PEM text, leaf first. */
  public static List<X509Certificate> parseCertificates(String pem) throws CertificateException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Collection<? extends Certificate> certificates =
        factory.generateCertificates(
            new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    List<X509Certificate> result = new ArrayList<>();
    for (Certificate certificate : certificates) {
      result.add((X509Certificate) certificate);
    }
    return result;
  }

  /**
   * The decoded text of one data key, if present and non-empty. Only {@code data}: the API server
   * merges a written {@code stringData} into it and never returns {@code stringData} itself.
   */
  static Optional<String> decoded(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    if (data == null || data.get(key) == null || data.get(key).isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new String(Base64.getMimeDecoder().decode(data.get(key)), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static TlsInspection failed(Reason reason, String message) {
    return new TlsInspection(Verdict.fails(reason, message), Optional.empty());
  }

  private static TlsInspection failed(Reason reason, String message, CertificateInfo info) {
    return new TlsInspection(Verdict.fails(reason, message), Optional.of(info));
  }

  private static String seconds(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
