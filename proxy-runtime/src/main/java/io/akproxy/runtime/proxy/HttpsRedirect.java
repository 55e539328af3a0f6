package io.akproxy.runtime.proxy;

import io.akproxy.config.DnsNames;
import java.util.List;
import java.util.Locale;

/**
 * Where the plain-HTTP listener sends a client: {@code https://<host><path>?<query>}. The host is
 * the request's {@code Host} when it is one of the server names, else the first concrete server
 * name; {@code X-Forwarded-Host} is never consulted (a client could point the redirect anywhere).
 *
 * <p>The port is {@code listeners.http.redirectPort}: the HTTPS port clients can reach, which is
 * the Service's (443 maps onto the container's 8443), never the container's own and never the port
 * in the client's {@code Host} (a client that came through the Service's port 80 says {@code :80}).
 * It is left out when it is 443, as in the seed's {@code return 301 https://$host$request_uri}.
 */
public final class HttpsRedirect {

  private final List<String> serverNames;
  private final String fallbackHost;
  private final int redirectPort;

  /**
   * @param redirectPort the HTTPS port clients can reach ({@code listeners.http.redirectPort})
   */
  public HttpsRedirect(List<String> serverNames, int redirectPort) {
    this.serverNames = List.copyOf(serverNames);
    this.fallbackHost =
        serverNames.stream().filter(name -> !name.startsWith("*.")).findFirst().orElse(null);
    this.redirectPort = redirectPort;
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
    if (redirectPort != 443) {
      location.append(':').append(redirectPort);
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

  /** A {@code Host} header's lower-case name, its port (if any) dropped. */
  record HostHeader(String name) {

    static HostHeader parse(String value) {
      if (value == null || value.isEmpty()) {
        return null;
      }
      String text = value.trim().toLowerCase(Locale.ROOT);
      if (text.startsWith("[")) {
        int close = text.indexOf(']');
        return close < 0 ? null : new HostHeader(text.substring(0, close + 1));
      }
      int colon = text.indexOf(':');
      return new HostHeader(colon < 0 ? text : text.substring(0, colon));
    }
  }
}
