package io.akproxy.runtime.proxy;

import io.akproxy.config.Tls;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code Strict-Transport-Security} on every HTTPS response, errors and 101 upgrades included (the
 * seed's {@code add_header ... always}). The value is computed once per configuration.
 */
public final class Hsts {

  static final String HEADER = "strict-transport-security";
  private static final CharSequence NAME = HttpHeaders.createOptimized(HEADER);

  private final CharSequence value;

  public Hsts(Tls.Hsts hsts) {
    this.value = HttpHeaders.createOptimized(hsts.headerValue());
  }

  public void apply(HttpServerResponse response) {
    response.headers().set(NAME, value);
  }

  public String value() {
    return value.toString();
  }
}
