package io.akproxy.runtime.load;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** X.509 certificates in PEM text, e.g. a CA bundle. */
public final class PemCertificates {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");

  private PemCertificates() {}

  /** Every certificate in the text; empty when none parses. */
  public static List<X509Certificate> parse(byte[] pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher block = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (block.find()) {
        byte[] der = Base64.getMimeDecoder().decode(block.group(1));
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException | IllegalArgumentException e) {
      return List.of();
    }
    return certificates;
  }
}
