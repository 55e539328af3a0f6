package io.akproxy.runtime.training;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * A throwaway self-signed P-256 certificate for one DNS name, in PEM, made with the JDK alone (the
 * runtime carries no certificate library). Only the training run uses it: it never serves anyone.
 * The DER is written by hand, as RFC 5280 lays it out; the JDK signs it.
 */
final class SelfSignedCertificate {

  private static final byte[] ECDSA_WITH_SHA256 = {
    0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02
  };
  private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
  private static final byte[] SUBJECT_ALT_NAME = {0x06, 0x03, 0x55, 0x1d, 0x11};
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  final String certificatePem;
  final String privateKeyPem;

  private SelfSignedCertificate(String certificatePem, String privateKeyPem) {
    this.certificatePem = certificatePem;
    this.privateKeyPem = privateKeyPem;
  }

  static SelfSignedCertificate forName(String dnsName, Instant notBefore, Instant notAfter)
      throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    byte[] name =
        sequence(
            set(sequence(COMMON_NAME, tagged(0x0c, dnsName.getBytes(StandardCharsets.UTF_8)))));
    byte[] algorithm = sequence(ECDSA_WITH_SHA256);
    byte[] tbs =
        sequence(
            tagged(0xa0, tagged(0x02, new byte[] {2})), // version 3
            tagged(0x02, BigInteger.valueOf(System.nanoTime()).abs().toByteArray()),
            algorithm,
            name,
            sequence(utcTime(notBefore), utcTime(notAfter)),
            name,
            keys.getPublic().getEncoded(), // SubjectPublicKeyInfo, as the JDK encodes it
            tagged(
                0xa3,
                sequence(
                    sequence(
                        SUBJECT_ALT_NAME,
                        tagged(
                            0x04,
                            sequence(
                                tagged(0x82, dnsName.getBytes(StandardCharsets.US_ASCII))))))));
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update(tbs);
    byte[] signature = signer.sign();
    byte[] certificate = sequence(tbs, algorithm, bitString(signature));
    return new SelfSignedCertificate(
        pem("CERTIFICATE", certificate), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
  }

  private static byte[] utcTime(Instant instant) {
    return tagged(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] bitString(byte[] bytes) {
    byte[] withUnusedBits = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, withUnusedBits, 1, bytes.length);
    return tagged(0x03, withUnusedBits);
  }

  private static byte[] sequence(byte[]... elements) {
    return tagged(0x30, concat(elements));
  }

  private static byte[] set(byte[]... elements) {
    return tagged(0x31, concat(elements));
  }

  private static byte[] tagged(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      byte[] digits = BigInteger.valueOf(length).toByteArray();
      int skip = digits[0] == 0 ? 1 : 0;
      out.write(0x80 | (digits.length - skip));
      out.write(digits, skip, digits.length - skip);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
