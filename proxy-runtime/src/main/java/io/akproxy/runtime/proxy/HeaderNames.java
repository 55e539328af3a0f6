package io.akproxy.runtime.proxy;

import java.util.List;

/** Allocation-free classification of header names, case-insensitively. */
final class HeaderNames {

  private HeaderNames() {}

  /**
   * Hop-by-hop headers (RFC 9110 section 7.6.1 and the non-standard ones still seen): they describe
   * one connection and are never forwarded. HTTP/2 rejects responses that carry them.
   */
  static boolean isHopByHop(String name) {
    return switch (name.length()) {
      case 2 -> name.equalsIgnoreCase("te");
      case 7 -> name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("trailer");
      case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
      case 16 -> name.equalsIgnoreCase("proxy-connection");
      case 17 -> name.equalsIgnoreCase("transfer-encoding");
      case 18 -> name.equalsIgnoreCase("proxy-authenticate");
      case 19 -> name.equalsIgnoreCase("proxy-authorization");
      case 14 -> name.equalsIgnoreCase("http2-settings");
      default -> false;
    };
  }

  /**
   * {@code X-Forwarded-*}, {@code Forwarded} and {@code X-Real-IP}: the headers through which a
   * client could claim another address, scheme or host.
   */
  static boolean isForwarding(String name) {
    int length = name.length();
    if (length == 9) {
      return name.equalsIgnoreCase("forwarded") || name.equalsIgnoreCase("x-real-ip");
    }
    return length >= 11
        && (name.charAt(0) | 0x20) == 'x'
        && name.charAt(1) == '-'
        && name.regionMatches(true, 2, "forwarded", 0, 9)
        && (length == 11 || name.charAt(11) == '-');
  }

  /**
   * Names with an underscore. Many servers (WSGI/ASGI, so authentik's too) map {@code _} and {@code
   * -} to the same variable, so {@code X_Forwarded_For} would smuggle a forwarded header past a
   * filter that only knows dashes. nginx drops them by default; so does akproxy.
   */
  static boolean hasUnderscore(String name) {
    return name.indexOf('_') >= 0;
  }

  static boolean is(String name, String lowerCaseName) {
    return name.length() == lowerCaseName.length() && name.equalsIgnoreCase(lowerCaseName);
  }

  /** Whether a name appears among {@code Connection} tokens (already lower case). */
  static boolean isListed(String name, List<String> connectionTokens) {
    for (int i = 0; i < connectionTokens.size(); i++) {
      if (is(name, connectionTokens.get(i))) {
        return true;
      }
    }
    return false;
  }
}
