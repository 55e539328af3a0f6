package io.akproxy.operator.model;

/** The condition types in an AuthentikProxy's status. */
public enum ConditionType {
  /** Everything below holds: the proxy serves the current specification. */
  READY("Ready"),
  /** The specification renders a valid proxy.json. */
  ACCEPTED("Accepted"),
  /** The TLS Secret exists, parses, its key fits, it is within validity and covers the hosts. */
  TLS_READY("TLSReady"),
  /** The upstream Service and port exist (or a URL is given), and the CA Secret is usable. */
  UPSTREAM_RESOLVED("UpstreamResolved"),
  /** The proxy Deployment has available pods. */
  AVAILABLE("Available");

  private final String value;

  ConditionType(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
