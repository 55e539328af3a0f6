package io.akproxy.operator.model;

/** The condition types in an AuthentikProxy's status. */
public enum ConditionType {
  /**
   * Accepted, TLSReady, UpstreamResolved, Available and ConfigApplied hold: the proxy serves the
   * current specification.
   */
  READY("Ready"),
  /** The specification renders a valid proxy.json. */
  ACCEPTED("Accepted"),
  /** The TLS Secret exists, parses, its key fits, it is within validity and covers the hosts. */
  TLS_READY("TLSReady"),
  /** The upstream Service and port exist (or a URL is given), and the CA Secret is usable. */
  UPSTREAM_RESOLVED("UpstreamResolved"),
  /** The rollout of the current pod template is complete and at least one pod is available. */
  AVAILABLE("Available"),
  /** Every Ready pod serves the desired configuration hash and certificate serial. */
  CONFIG_APPLIED("ConfigApplied"),
  /** kstatus: True while a rollout, a propagation or a missing input is being waited for. */
  RECONCILING("Reconciling"),
  /** kstatus: True for an error that will not fix itself: the user must act. */
  STALLED("Stalled");

  private final String value;

  ConditionType(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
