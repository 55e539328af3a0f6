package io.akproxy.config;

/**
 * SIGTERM handling, in two phases. Kubernetes removes a terminating pod from the Service's
 * endpoints at the same time as it sends SIGTERM, and kube-proxy and cloud load balancers learn of
 * it seconds later: until then they still send new connections.
 *
 * @param delaySeconds after SIGTERM, {@code /readyz} answers 503 at once but the listeners keep
 *     accepting and serving for this long; {@code 0}: stop accepting at once
 * @param gracePeriodSeconds then, with the listeners closed, how long in-flight requests may take
 *     to finish; the pod's {@code terminationGracePeriodSeconds} must exceed delay plus grace
 */
public record Shutdown(int delaySeconds, int gracePeriodSeconds) {

  public static final int DEFAULT_DELAY_SECONDS = 10;
  public static final int DEFAULT_GRACE_PERIOD_SECONDS = 25;

  /** Beyond the delay and the drain: time to log, flush and exit. */
  public static final int EXIT_MARGIN_SECONDS = 5;

  public static Shutdown defaults() {
    return new Shutdown(DEFAULT_DELAY_SECONDS, DEFAULT_GRACE_PERIOD_SECONDS);
  }

  /**
   * How long a process may take after SIGTERM: the delay, the drain and {@value
   * #EXIT_MARGIN_SECONDS} s to exit. The pod's {@code terminationGracePeriodSeconds}, after which
   * the kubelet kills it, and the runtime's own wait for its drain.
   */
  public long terminationSeconds() {
    return (long) delaySeconds + gracePeriodSeconds + EXIT_MARGIN_SECONDS;
  }
}
