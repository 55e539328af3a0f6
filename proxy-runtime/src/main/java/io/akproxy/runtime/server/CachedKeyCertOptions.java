package io.akproxy.runtime.server;

import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;

/**
 * The served certificate and key, handed to OpenSSL once per certificate rather than once per
 * handshake. Netty only caches the key material it gives BoringSSL when the key manager factory
 * says it may ({@link OpenSslCachingX509KeyManagerFactory}); with the plain factory Vert.x builds,
 * every new TLS connection re-encodes the chain and key to PEM and re-parses them, which measured
 * as a large share of a handshake's CPU. A reload brings new options, so a new cache.
 */
final class CachedKeyCertOptions implements KeyCertOptions {

  private final PemKeyCertOptions pem;
  private final boolean openSsl;

  CachedKeyCertOptions(PemKeyCertOptions pem, boolean openSsl) {
    this.pem = pem;
    this.openSsl = openSsl;
  }

  @Override
  public KeyCertOptions copy() {
    return new CachedKeyCertOptions(pem.copy(), openSsl);
  }

  @Override
  public KeyManagerFactory getKeyManagerFactory(Vertx vertx) throws Exception {
    KeyManagerFactory factory = pem.getKeyManagerFactory(vertx);
    return openSsl ? new OpenSslCachingX509KeyManagerFactory(factory) : factory;
  }

  @Override
  public Function<String, KeyManagerFactory> keyManagerFactoryMapper(Vertx vertx) throws Exception {
    return pem.keyManagerFactoryMapper(vertx);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CachedKeyCertOptions that
        && openSsl == that.openSsl
        && pem.equals(that.pem);
  }

  @Override
  public int hashCode() {
    return pem.hashCode() * 31 + Boolean.hashCode(openSsl);
  }
}
