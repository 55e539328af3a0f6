package io.akproxy.config;

import java.util.regex.Pattern;

/** DNS host names as RFC 1123 allows them, optionally with one leading wildcard label. */
public final class DnsNames {

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private DnsNames() {}

  /** A lower-case host name such as {@code sso.example.com}; no trailing dot, no wildcard. */
  public static boolean isHostName(String name) {
    if (name == null || name.isEmpty() || name.length() > 253) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** A host name, or a wildcard such as {@code *.example.com} (one label, leftmost only). */
  public static boolean isServerName(String name) {
    if (name != null && name.startsWith("*.")) {
      return isHostName(name.substring(2)) && name.substring(2).contains(".");
    }
    return isHostName(name);
  }
}
