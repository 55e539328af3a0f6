package io.akproxy.runtime.server;

import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import java.util.Locale;

/**
 * Which TLS implementation serves handshakes. OpenSSL (BoringSSL through netty-tcnative) matches
 * nginx's handshake rate; the JDK's costs three to four times the CPU per handshake, so it is only
 * the fallback when the native library cannot load (another platform, a locked-down /tmp).
 */
public enum TlsEngine {
  OPENSSL("openssl"),
  JDK("jdk");

  private final String label;

  TlsEngine(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public SSLEngineOptions options() {
    return this == OPENSSL ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
  }

  /**
   * The engine for a preference: {@code auto} (OpenSSL when available), {@code openssl} (fails when
   * it is not available) or {@code jdk}.
   */
  public static TlsEngine choose(String preference) {
    return switch (preference.toLowerCase(Locale.ROOT)) {
      case "auto" -> OpenSSLEngineOptions.isAvailable() ? OPENSSL : JDK;
      case "openssl" -> {
        if (!OpenSSLEngineOptions.isAvailable()) {
          throw new IllegalArgumentException(
              "OpenSSL was requested but netty-tcnative cannot load on this platform");
        }
        yield OPENSSL;
      }
      case "jdk" -> JDK;
      default ->
          throw new IllegalArgumentException(
              "unknown TLS engine \"" + preference + "\" (auto, openssl or jdk)");
    };
  }
}
