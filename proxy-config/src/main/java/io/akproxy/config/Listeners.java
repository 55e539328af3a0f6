package io.akproxy.config;

import java.util.Objects;

/**
 * The three listeners. Ports are the container's; the Service maps 443 and 80 onto them.
 *
 * @param bindAddress the address all listeners bind to
 */
public record Listeners(String bindAddress, Https https, Http http, Admin admin) {

  public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";

  public Listeners {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(https, "https");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(admin, "admin");
  }

  public static Listeners defaults() {
    return new Listeners(DEFAULT_BIND_ADDRESS, Https.defaults(), Http.defaults(), Admin.defaults());
  }

  /** The TLS listener that proxies to authentik. */
  public record Https(int port) {
    public static final int DEFAULT_PORT = 8443;

    public static Https defaults() {
      return new Https(DEFAULT_PORT);
    }
  }

  /**
   * The plain-HTTP listener. It only ever redirects to HTTPS; with {@code redirectToHttps} off it
   * is not opened at all (plain HTTP never reaches authentik).
   *
   * @param redirectPort the HTTPS port clients can reach (the Service's, not the container's): the
   *     redirect names it unless it is 443; the port in the client's {@code Host} never decides
   */
  public record Http(int port, boolean redirectToHttps, int redirectPort) {
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_REDIRECT_PORT = 443;

    /** A listener redirecting to the default HTTPS port, 443. */
    public Http(int port, boolean redirectToHttps) {
      this(port, redirectToHttps, DEFAULT_REDIRECT_PORT);
    }

    public static Http defaults() {
      return new Http(DEFAULT_PORT, true, DEFAULT_REDIRECT_PORT);
    }
  }

  /** Health, readiness, metrics and status; never exposed by the Service. */
  public record Admin(int port) {
    public static final int DEFAULT_PORT = 9000;

    public static Admin defaults() {
      return new Admin(DEFAULT_PORT);
    }
  }
}
