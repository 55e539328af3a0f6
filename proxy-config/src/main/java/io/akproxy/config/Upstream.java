package io.akproxy.config;

import java.net.URI;
import java.util.Objects;

/**
 * Where authentik is and how to talk to it: HTTP/1.1, pooled keep-alive.
 *
 * @param url scheme, host and port only, e.g. {@code https://authentik-server:9443}
 */
public record Upstream(
    String url,
    UpstreamTls tls,
    KeepAlive keepAlive,
    int connectTimeoutSeconds,
    int responseTimeoutSeconds) {

  public static final String DEFAULT_URL =
      "https://authentik-server.authentik.svc.cluster.local:9443";

  public Upstream {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(keepAlive, "keepAlive");
  }

  public static Upstream defaults() {
    return new Upstream(DEFAULT_URL, UpstreamTls.defaults(), KeepAlive.defaults(), 5, 60);
  }

  /** The URL as a URI; only meaningful once the configuration validated. */
  public URI uri() {
    return URI.create(url);
  }

  public boolean isHttps() {
    return uri().getScheme().equalsIgnoreCase("https");
  }

  /** The port, with the scheme's default filled in. */
  public int port() {
    int port = uri().getPort();
    return port > 0 ? port : isHttps() ? 443 : 80;
  }

  /**
   * TLS towards authentik. Off by default, as in the seed (authentik's self-signed certificate).
   *
   * @param caFile absolute path of a PEM bundle to verify against; {@code null}: the JVM's roots
   * @param serverName SNI and verified name; {@code null}: the URL's host
   */
  public record UpstreamTls(boolean verify, String caFile, String serverName) {
    public static UpstreamTls defaults() {
      return new UpstreamTls(false, null, null);
    }
  }

  /**
   * The upstream connection pool (nginx's {@code keepalive 10}).
   *
   * @param idleTimeoutSeconds below authentik's own 120 s, so the proxy closes first
   */
  public record KeepAlive(int maxIdleConnections, int idleTimeoutSeconds) {
    public static KeepAlive defaults() {
      return new KeepAlive(10, 60);
    }
  }
}
