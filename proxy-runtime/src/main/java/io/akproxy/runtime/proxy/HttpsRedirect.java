package io.akproxy.runtime.proxy;

import io.akproxy.config.DnsNames;
import java.util.List;
import java.util.Locale;

/**
 * Where the plain-HTTP listener sends a client: {@code https://<host><path>?<query>}. The host is
 * the request's {@code Host} when it is one of the server names, else the first concrete server
 * name; {@code X-Forwarded-Host} is never consulted (a client could point the redirect anywhere).
 *
 * <p>The port: a client that named no port in {@code Host} reached the default HTTP port, so the
 * public HTTPS port is the default one too and is omitted (the seed's {@code return 301
 * https://$host$request_uri}; in Kubernetes the Service maps 443 and 80 onto the container ports).
 * A client that named a port reached the listener directly, so the HTTPS listener's port is named,
 * unless it is 443.
 */
public final class HttpsRedirect {

  private final List<String> serverNames;
  private final String fallbackHost;
  private final int httpsPort;

  public HttpsRedirect(List<String> serverNames, int httpsPort) {
    this.serverNames = List.copyOf(serverNames);
    this.fallbackHost =
        serverNames.stream().filter(name -> !name.startsWith("*.")).findFirst().orElse(null);
    this.httpsPort = httpsPort;
  }

  /**
   * The redirect target, or {@code null} when no server name fits and none is concrete.
   *
   * @param hostHeader the {@code Host} header as received, possibly with a port, possibly null
   * @param uri the request target as received (path and query)
   */
  public String target(String hostHeader, String uri) {
    HostHeader host = HostHeader.parse(hostHeader);
    String name = host != null && isServerName(host.name()) ? host.name() : fallbackHost;
    if (name == null) {
      return null;
    }
    StringBuilder location = new StringBuilder(8 + name.length() + uri.length() + 6);
    location.append("https://").append(name);
    if (host != null && host.hasPort() && httpsPort != 443) {
      location.append(':').append(httpsPort);
    }
    if (!uri.startsWith("/")) {
      location.append('/');
    }
    return location.append(uri).toString();
  }

  private boolean isServerName(String name) {
    for (String serverName : serverNames) {
      if (serverName.startsWith("*.")) {
        String suffix = serverName.substring(1);
        // One whole, valid label in place of the "*": never a path or a second dot smuggled in.
        int label = name.length() - suffix.length();
        if (label > 0
            && name.endsWith(suffix)
            && name.indexOf('.') == label
            && DnsNames.isHostName(name)) {
          return true;
        }
      } else if (serverName.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** A {@code Host} header split into a lower-case name and whether it carried a port. */
  record HostHeader(String name, boolean hasPort) {

    static HostHeader parse(String value) {
      if (value == null || value.isEmpty()) {
        return null;
      }
      String text = value.trim().toLowerCase(Locale.ROOT);
      if (text.startsWith("[")) {
        int close = text.indexOf(']');
        return close < 0
            ? null
            : new HostHeader(text.substring(0, close + 1), close + 1 < text.length());
      }
      int colon = text.indexOf(':');
      if (colon < 0) {
        return new HostHeader(text, false);
      }
      return new HostHeader(text.substring(0, colon), true);
    }
  }
}
