package io.akproxy.operator.model;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a PEM private key (PKCS#8 RSA/EC/Ed25519/Ed448, PKCS#1 RSA, SEC1 EC, also with openssl's EC
 * PARAMETERS block first) and tells whether it fits a certificate's public key, with the JDK alone:
 * PKCS#1 and SEC1 keys are wrapped into the PKCS#8 structure the JDK's key factories read. Error
 * messages never contain key material.
 */
final class PemKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);

  /** AlgorithmIdentifier { rsaEncryption, NULL }. */
  private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");

  /** The OID id-ecPublicKey, whose parameter is the curve's OID. */
  private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

  private static final byte[] VERSION_0 = hex("020100");

  private PemKeys() {}

  /** Thrown with a message fit for a condition: what is wrong, never what the key is. */
  static final class KeyException extends Exception {
    private static final long serialVersionUID = 1L;

    KeyException(String message) {
      super(message);
    }
  }

  static PrivateKey parse(String pem) throws KeyException {
    Matcher blocks = BLOCK.matcher(pem);
    Optional<byte[]> curve = Optional.empty();
    try {
      while (blocks.find()) {
        String label = blocks.group(1);
        String body = blocks.group(2);
        if (label.startsWith("ENCRYPTED") || body.contains("Proc-Type: 4,ENCRYPTED")) {
          throw new KeyException(
              "the private key is encrypted; the proxy needs an unencrypted key");
        }
        byte[] der = Base64.getMimeDecoder().decode(body);
        switch (label) {
          case "PRIVATE KEY":
            return pkcs8(der, List.of("RSA", "EC", "EdDSA", "RSASSA-PSS"));
          case "RSA PRIVATE KEY":
            return pkcs8(privateKeyInfo(RSA_ALGORITHM, der), List.of("RSA"));
          case "EC PARAMETERS":
            curve = Optional.of(der);
            break;
          case "EC PRIVATE KEY":
            Optional<byte[]> block = curve;
            Optional<byte[]> named = Der.sec1Parameters(der).or(() -> curveOf(block));
            if (named.isEmpty()) {
              throw new KeyException("the EC private key names no curve");
            }
            byte[] parameters = named.get();
            if (parameters[0] == 0x30) {
              // specifiedCurve (openssl -param_enc explicit): the JDK, so the proxy, reads named
              // curves only, and "not valid PEM" would send the user looking in the wrong place.
              throw new KeyException(
                  "the EC private key spells out its curve's parameters instead of naming it; the"
                      + " proxy needs a named curve (openssl ec -param_enc named_curve)");
            }
            byte[] algorithm = Der.sequence(EC_PUBLIC_KEY_OID, parameters);
            return pkcs8(privateKeyInfo(algorithm, der), List.of("EC"));
          default:
            // A certificate or anything else beside the key: not ours to read.
        }
      }
    } catch (IllegalArgumentException | Der.DerException e) {
      throw new KeyException("the private key is not valid PEM");
    }
    throw new KeyException("no PEM private key found (PKCS#1, PKCS#8 or SEC1 expected)");
  }

  private static Optional<byte[]> curveOf(Optional<byte[]> parametersBlock) {
    // openssl's EC PARAMETERS block is the curve's OID itself (named curves).
    return parametersBlock.filter(p -> p.length > 2 && p[0] == 0x06);
  }

  /** PrivateKeyInfo { version 0, algorithm, OCTET STRING key }. */
  private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
    return Der.sequence(VERSION_0, algorithm, Der.tlv(0x04, key));
  }

  private static PrivateKey pkcs8(byte[] der, List<String> algorithms) throws KeyException {
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next
      }
    }
    throw new KeyException("the private key is not valid PEM");
  }

  /** Whether {@code key} is the private half of {@code publicKey}: sign and verify a nonce. */
  static boolean fits(PrivateKey key, PublicKey publicKey) throws KeyException {
    if (!family(key.getAlgorithm()).equals(family(publicKey.getAlgorithm()))) {
      return false;
    }
    String algorithm =
        switch (family(key.getAlgorithm())) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "EdDSA" -> "EdDSA";
          default -> throw new KeyException("unsupported key algorithm " + key.getAlgorithm());
        };
    byte[] nonce = new byte[32];
    RANDOM.nextBytes(nonce);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(nonce);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(nonce);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Providers name the same kind of key differently (EC/ECDSA, EdDSA/Ed25519). */
  private static String family(String algorithm) {
    return switch (algorithm) {
      case "EC", "ECDSA" -> "EC";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> algorithm;
    };
  }

  private static byte[] hex(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }

  /** The little DER this needs: read SEC1's curve, write TLVs. */
  static final class Der {

    static final class DerException extends Exception {
      private static final long serialVersionUID = 1L;

      DerException(String message) {
        super(message);
      }
    }

    private Der() {}

    static byte[] sequence(byte[]... parts) {
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      for (byte[] part : parts) {
        content.writeBytes(part);
      }
      return tlv(0x30, content.toByteArray());
    }

    static byte[] tlv(int tag, byte[] value) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int length = value.length;
      if (length < 0x80) {
        out.write(length);
      } else {
        byte[] digits = java.math.BigInteger.valueOf(length).toByteArray();
        int skip = digits[0] == 0 ? 1 : 0;
        out.write(0x80 | (digits.length - skip));
        out.write(digits, skip, digits.length - skip);
      }
      out.writeBytes(value);
      return out.toByteArray();
    }

    /**
     * The curve OID (a whole TLV) in an ECPrivateKey { version, privateKey, [0] parameters
     * OPTIONAL, [1] publicKey OPTIONAL }, if present.
     */
    static Optional<byte[]> sec1Parameters(byte[] der) throws DerException {
      int[] sequence = header(der, 0);
      if (der[0] != 0x30) {
        throw new DerException("not a sequence");
      }
      int position = sequence[0];
      int end = position + sequence[1];
      while (position < end) {
        int[] element = header(der, position);
        int contentStart = element[0];
        if ((der[position] & 0xff) == 0xa0) {
          return Optional.of(Arrays.copyOfRange(der, contentStart, contentStart + element[1]));
        }
        position = contentStart + element[1];
      }
      return Optional.empty();
    }

    /** {start of content, length of content} of the TLV at {@code offset}. */
    private static int[] header(byte[] der, int offset) throws DerException {
      if (offset + 2 > der.length) {
        throw new DerException("truncated");
      }
      int length = der[offset + 1] & 0xff;
      int start = offset + 2;
      if (length >= 0x80) {
        int count = length & 0x7f;
        if (count == 0 || count > 3 || start + count > der.length) {
          throw new DerException("bad length");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (der[start + i] & 0xff);
        }
        start += count;
      }
      if (start + length > der.length) {
        throw new DerException("truncated");
      }
      return new int[] {start, length};
    }
  }
}
