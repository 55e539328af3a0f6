package io.akproxy.operator.model;

import io.akproxy.operator.api.CertificateStatus;
import java.math.BigInteger;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/** The public facts of a leaf certificate that status reports and the checks use. */
public record CertificateInfo(
    Instant notBefore, Instant notAfter, List<String> dnsNames, String serial, String issuer) {

  private static final int SAN_DNS_NAME = 2;

  public CertificateInfo {
    dnsNames = List.copyOf(dnsNames);
  }

  public static CertificateInfo of(X509Certificate certificate) throws CertificateParsingException {
    List<String> dnsNames = new ArrayList<>();
    Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
    if (sans != null) {
      for (List<?> san : sans) {
        if (san.size() >= 2 && Integer.valueOf(SAN_DNS_NAME).equals(san.get(0))) {
          dnsNames.add(String.valueOf(san.get(1)));
        }
      }
    }
    return new CertificateInfo(
        certificate.getNotBefore().toInstant(),
        certificate.getNotAfter().toInstant(),
        dnsNames,
        hexSerial(certificate.getSerialNumber()),
        certificate.getIssuerX500Principal().getName(X500Principal.RFC2253));
  }

  /** Lower-case hex, the format the runtime's /status uses. */
  public static String hexSerial(BigInteger serial) {
    return serial.toString(16);
  }

  /** Whether one of the certificate's DNS names covers {@code host} (RFC 6125 wildcards). */
  public boolean covers(String host) {
    for (String name : dnsNames) {
      String san = name.toLowerCase(java.util.Locale.ROOT);
      if (san.equals(host)) {
        return true;
      }
      if (san.startsWith("*.") && !host.startsWith("*.")) {
        int dot = host.indexOf('.');
        if (dot > 0 && host.substring(dot + 1).equals(san.substring(2))) {
          return true;
        }
      }
    }
    return false;
  }

  public CertificateStatus toStatus() {
    CertificateStatus status = new CertificateStatus();
    status.notBefore = notBefore.truncatedTo(ChronoUnit.SECONDS).toString();
    status.notAfter = notAfter.truncatedTo(ChronoUnit.SECONDS).toString();
    status.dnsNames = dnsNames;
    status.serial = serial;
    status.issuer = issuer;
    return status;
  }
}
