package io.akproxy.testkit.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** Key pairs for test certificates. */
public final class Keys {

  static final SecureRandom RANDOM = new SecureRandom();
  private static KeyPair sharedRsa;

  private Keys() {}

  /** A fresh P-256 key pair (fast). */
  public static KeyPair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has P-256", e);
    }
  }

  /** A fresh RSA 2048 key pair: slow (tens to hundreds of milliseconds); see {@link #sharedRsa}. */
  public static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has RSA", e);
    }
  }

  /** One RSA key pair per JVM, for tests that need RSA but not a distinct key. */
  public static synchronized KeyPair sharedRsa() {
    if (sharedRsa == null) {
      sharedRsa = rsa();
    }
    return sharedRsa;
  }
}
