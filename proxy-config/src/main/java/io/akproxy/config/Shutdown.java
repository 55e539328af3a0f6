package io.akproxy.config;

/**
 * SIGTERM handling.
 *
 * @param gracePeriodSeconds how long in-flight requests may take to finish; keep it below the pod's
 *     {@code terminationGracePeriodSeconds} (30 by default)
 */
public record Shutdown(int gracePeriodSeconds) {

  public static Shutdown defaults() {
    return new Shutdown(25);
  }
}
