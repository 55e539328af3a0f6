package io.akproxy.testkit.pki;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM text of certificates and keys, in the forms Secrets hold. */
public final class Pem {

  private Pem() {}

  /** The certificates' PEM blocks, in order. */
  public static String certificates(List<X509Certificate> certificates) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  public static String certificates(X509Certificate... certificates) {
    return certificates(List.of(certificates));
  }

  /** The key in {@code format}: PKCS#8, or PKCS#1 (RSA) / SEC1 (EC). */
  public static String privateKey(PrivateKey key, KeyFormat format) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      if (format == KeyFormat.PKCS8) {
        writer.writeObject(new JcaPKCS8Generator(key, null));
      } else if (key.getAlgorithm().equals("EC")) {
        writer.writeObject(new PemObject("EC PRIVATE KEY", sec1(key)));
      } else {
        writer.writeObject(key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /**
   * SEC1 with the curve named inside, as openssl and Go (so cert-manager) write it; BouncyCastle
   * left alone omits the parameters for a JDK key, and some readers then refuse it.
   */
  private static byte[] sec1(PrivateKey key) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    return new ECPrivateKey(
            256,
            inner.getKey(),
            inner.getPublicKey(),
            info.getPrivateKeyAlgorithm().getParameters())
        .getEncoded();
  }
}
