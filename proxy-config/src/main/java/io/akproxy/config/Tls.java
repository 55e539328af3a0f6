package io.akproxy.config;

import java.util.Objects;

/**
 * The client-facing TLS settings.
 *
 * @param certFile absolute path of the PEM certificate chain (leaf first)
 * @param keyFile absolute path of the PEM private key (PKCS#1 or PKCS#8, RSA or EC)
 * @param minVersion {@code TLSv1.3} (default, as authentik recommends) or {@code TLSv1.2}
 * @param http2 offer HTTP/2 through ALPN
 */
public record Tls(String certFile, String keyFile, String minVersion, boolean http2, Hsts hsts) {

  public static final String TLS_1_3 = "TLSv1.3";
  public static final String TLS_1_2 = "TLSv1.2";
  public static final String DEFAULT_CERT_FILE = "/etc/akproxy/tls/tls.crt";
  public static final String DEFAULT_KEY_FILE = "/etc/akproxy/tls/tls.key";

  public Tls {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(minVersion, "minVersion");
    Objects.requireNonNull(hsts, "hsts");
  }

  public static Tls defaults() {
    return new Tls(DEFAULT_CERT_FILE, DEFAULT_KEY_FILE, TLS_1_3, true, Hsts.defaults());
  }

  /** {@code Strict-Transport-Security}, sent on every HTTPS response. */
  public record Hsts(long maxAgeSeconds, boolean includeSubDomains, boolean preload) {
    public static final long DEFAULT_MAX_AGE_SECONDS = 63_072_000L;

    public static Hsts defaults() {
      return new Hsts(DEFAULT_MAX_AGE_SECONDS, false, false);
    }

    /** The header value, e.g. {@code max-age=63072000; includeSubDomains}. */
    public String headerValue() {
      StringBuilder value = new StringBuilder("max-age=").append(maxAgeSeconds);
      if (includeSubDomains) {
        value.append("; includeSubDomains");
      }
      if (preload) {
        value.append("; preload");
      }
      return value.toString();
    }
  }
}
