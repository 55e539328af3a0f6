package io.akproxy.runtime.load;

import java.math.BigInteger;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What {@code /status} and {@code /metrics} say about the served certificate: public facts only.
 *
 * @param serial lower-case hex, as {@link BigInteger#toString(int)} with radix 16
 */
public record CertificateInfo(
    String serial, Instant notBefore, Instant notAfter, String subject, List<String> dnsNames) {

  private static final int SAN_DNS_NAME = 2;

  public CertificateInfo {
    dnsNames = List.copyOf(dnsNames);
  }

  public static CertificateInfo of(X509Certificate leaf) {
    return new CertificateInfo(
        leaf.getSerialNumber().toString(16),
        leaf.getNotBefore().toInstant(),
        leaf.getNotAfter().toInstant(),
        leaf.getSubjectX500Principal().getName(),
        dnsNames(leaf));
  }

  private static List<String> dnsNames(X509Certificate leaf) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2
              && san.get(0) instanceof Integer type
              && type == SAN_DNS_NAME
              && san.get(1) instanceof String name) {
            names.add(name);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // An unparsable SAN extension only costs the status its DNS names; TLS still works.
    }
    return names;
  }
}
