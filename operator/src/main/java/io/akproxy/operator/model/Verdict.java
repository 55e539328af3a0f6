package io.akproxy.operator.model;

/**
 * The outcome of one check that feeds a condition: whether it holds, why, and what to tell the
 * user. A verdict that holds may still carry a warning reason (an expiring certificate).
 */
public record Verdict(boolean holds, Reason reason, String message) {

  public static Verdict holds(Reason reason, String message) {
    return new Verdict(true, reason, message);
  }

  public static Verdict fails(Reason reason, String message) {
    return new Verdict(false, reason, message);
  }
}
