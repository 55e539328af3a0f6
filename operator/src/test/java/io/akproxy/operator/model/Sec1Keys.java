package io.akproxy.operator.model;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * EC private keys in SEC1 ({@code BEGIN EC PRIVATE KEY}) in the forms other tools write, which
 * testkit's {@code Pem} (P-256, curve named inside, as cert-manager writes it) does not: any curve,
 * the curve left out (BouncyCastle writing a JDK key; openssl then puts an {@code EC PARAMETERS}
 * block first), or spelled out instead of named ({@code openssl ec -param_enc explicit}).
 */
final class Sec1Keys {

  /** openssl's {@code EC PARAMETERS} block for P-256: the curve's OID. */
  static final String P256_PARAMETERS_BLOCK =
      "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";

  enum Curve {
    /** The curve's OID, as openssl and Go write it. */
    NAMED,
    /** No parameters field. */
    OMITTED,
    /** The curve's prime, coefficients, generator and order in full. */
    EXPLICIT
  }

  private Sec1Keys() {}

  /** A fresh key pair on {@code curve} (a JDK name such as {@code secp384r1}). */
  static KeyPair generate(String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(curve, e);
    }
  }

  /** The private key as SEC1 PEM, with its public key, and its curve written as {@code curve}. */
  static String pem(KeyPair key, Curve curve) {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getPrivate().getEncoded());
    ASN1ObjectIdentifier oid =
        ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
    ASN1Encodable parameters =
        switch (curve) {
          case NAMED -> oid;
          case OMITTED -> null;
          case EXPLICIT -> new X962Parameters(ECNamedCurveTable.getByOID(oid));
        };
    ECPrivateKey ec = (ECPrivateKey) key.getPrivate();
    DERBitString publicKey =
        new DERBitString(
            SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded())
                .getPublicKeyData()
                .getBytes());
    StringWriter text = new StringWriter();
    try (PemWriter writer = new PemWriter(text)) {
      byte[] der =
          new org.bouncycastle.asn1.sec.ECPrivateKey(
                  ec.getParams().getOrder().bitLength(), ec.getS(), publicKey, parameters)
              .getEncoded();
      writer.writeObject(new PemObject("EC PRIVATE KEY", der));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
