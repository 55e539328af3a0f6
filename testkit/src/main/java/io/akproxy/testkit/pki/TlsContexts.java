package io.akproxy.testkit.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** JDK TLS contexts for test clients and servers. */
public final class TlsContexts {

  private TlsContexts() {}

  /** A server context presenting {@code issued} with its intermediates. */
  public static SSLContext server(Issued issued) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = "testkit".toCharArray();
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(issued.certificate());
      if (!issued.issuers().isEmpty()) {
        chain.addAll(issued.issuers().subList(0, issued.issuers().size() - 1));
      }
      store.setKeyEntry(
          "server", issued.keyPair().getPrivate(), password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, Keys.RANDOM);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("building a server SSLContext", e);
    }
  }

  /** A client context trusting exactly {@code trusted} (host names are still checked if asked). */
  public static SSLContext trusting(List<X509Certificate> trusted) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < trusted.size(); i++) {
        store.setCertificateEntry("trusted-" + i, trusted.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), Keys.RANDOM);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("building a client SSLContext", e);
    }
  }
}
