package io.akproxy.operator.model;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads a PEM private key (PKCS#1 RSA, SEC1 EC, PKCS#8 RSA/EC/Ed25519) and tells whether it fits a
 * certificate's public key. Error messages never contain key material.
 */
final class PemKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * BouncyCastle's provider, used only to convert parsed keys (not registered globally): the JDK
   * has no KeyFactory for the "ECDSA" name BouncyCastle gives SEC1 keys.
   */
  private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

  private PemKeys() {}

  /** Thrown with a message fit for a condition: what is wrong, never what the key is. */
  static final class KeyException extends Exception {
    private static final long serialVersionUID = 1L;

    KeyException(String message) {
      super(message);
    }
  }

  static PrivateKey parse(String pem) throws KeyException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(PROVIDER);
      Object object;
      // openssl ecparam writes an EC PARAMETERS block before the key: skip what is not a key.
      while ((object = parser.readObject()) != null) {
        if (object instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMEncryptedKeyPair
            || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new KeyException(
              "the private key is encrypted; the proxy needs an unencrypted key");
        }
      }
      throw new KeyException("no PEM private key found (PKCS#1, PKCS#8 or SEC1 expected)");
    } catch (IOException | RuntimeException e) {
      throw new KeyException("the private key is not valid PEM");
    }
  }

  /** Whether {@code key} is the private half of {@code publicKey}: sign and verify a nonce. */
  static boolean fits(PrivateKey key, PublicKey publicKey) throws KeyException {
    if (!family(key.getAlgorithm()).equals(family(publicKey.getAlgorithm()))) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          default -> throw new KeyException("unsupported key algorithm " + key.getAlgorithm());
        };
    byte[] nonce = new byte[32];
    RANDOM.nextBytes(nonce);
    try {
      Signature signer = Signature.getInstance(algorithm, PROVIDER);
      signer.initSign(key);
      signer.update(nonce);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm, PROVIDER);
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
}
