package io.akproxy.testkit.pki;

/** How a private key is written in PEM. */
public enum KeyFormat {
  /** {@code BEGIN PRIVATE KEY} (PKCS#8), as cert-manager writes it with {@code encoding: PKCS8}. */
  PKCS8,
  /**
   * {@code BEGIN RSA PRIVATE KEY} (PKCS#1) or {@code BEGIN EC PRIVATE KEY} (SEC1, curve named
   * inside), as openssl and cert-manager's default {@code encoding: PKCS1} write them.
   */
  TRADITIONAL
}
