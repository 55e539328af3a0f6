package io.akproxy.operator;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The oldest Kubernetes the CRD installs on: its CIDR rules use CEL's {@code isCIDR}, which API
 * servers accept in new CRDs only from 1.31.
 */
final class KubernetesVersion {

  static final int MINIMUM_MINOR = 31;

  private static final Pattern DIGITS = Pattern.compile("^(\\d+)");

  private KubernetesVersion() {}

  /**
   * Why this API server is too old, if it is. Managed offerings report minors like "31+": only the
   * leading digits count. An unreadable version is not held against the cluster.
   */
  static Optional<String> problem(String major, String minor) {
    Optional<Integer> majorNumber = number(major);
    Optional<Integer> minorNumber = number(minor);
    if (majorNumber.isEmpty() || minorNumber.isEmpty()) {
      return Optional.empty();
    }
    if (majorNumber.get() > 1 || minorNumber.get() >= MINIMUM_MINOR) {
      return Optional.empty();
    }
    return Optional.of(
        "akproxy needs Kubernetes 1."
            + MINIMUM_MINOR
            + " or newer (the CRD's CIDR rules use isCIDR); this API server is "
            + major
            + "."
            + minor);
  }

  private static Optional<Integer> number(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher matcher = DIGITS.matcher(text.trim());
    return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
  }
}
