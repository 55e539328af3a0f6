package io.akproxy.runtime.admin;

import java.util.concurrent.atomic.LongAdder;

/**
 * The runtime's counters and gauges: lock-free, safe from every event loop, and cheap enough to
 * touch on every request. Rendered by {@link PrometheusText}.
 */
public final class Metrics {

  /** The two listeners that carry client traffic. */
  public enum Listener {
    HTTPS("https"),
    HTTP("http");

    final String label;

    Listener(String label) {
      this.label = label;
    }
  }

  /** Why an exchange with authentik failed. */
  public enum UpstreamError {
    CONNECT("connect"),
    TIMEOUT("timeout"),
    RESET("reset");

    final String label;

    UpstreamError(String label) {
      this.label = label;
    }
  }

  /** Upper bounds of the upstream latency buckets, in seconds (Prometheus' defaults). */
  static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private static final long[] LATENCY_BUCKET_NANOS = new long[LATENCY_BUCKETS.length];

  static {
    for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
      LATENCY_BUCKET_NANOS[i] = (long) (LATENCY_BUCKETS[i] * 1_000_000_000L);
    }
  }

  /** [listener][status class 1xx..5xx]. */
  private final LongAdder[][] requests = new LongAdder[Listener.values().length][5];

  private final LongAdder[] openConnections = new LongAdder[Listener.values().length];
  private final LongAdder[] refusedConnections = new LongAdder[Listener.values().length];
  private final LongAdder[] latencyBuckets = new LongAdder[LATENCY_BUCKETS.length + 1];
  private final LongAdder latencySumNanos = new LongAdder();
  private final LongAdder webSocketSessions = new LongAdder();
  private final LongAdder webSocketSessionsTotal = new LongAdder();
  private final LongAdder[] upstreamErrors = new LongAdder[UpstreamError.values().length];
  private final LongAdder upstreamRetries = new LongAdder();
  private final LongAdder accessLogDropped = new LongAdder();

  public Metrics() {
    for (LongAdder[] byClass : requests) {
      for (int i = 0; i < byClass.length; i++) {
        byClass[i] = new LongAdder();
      }
    }
    fill(openConnections);
    fill(refusedConnections);
    fill(latencyBuckets);
    fill(upstreamErrors);
  }

  private static void fill(LongAdder[] adders) {
    for (int i = 0; i < adders.length; i++) {
      adders[i] = new LongAdder();
    }
  }

  public void request(Listener listener, int status) {
    int statusClass = status / 100 - 1;
    if (statusClass >= 0 && statusClass < 5) {
      requests[listener.ordinal()][statusClass].increment();
    }
  }

  public void upstreamLatency(long nanos) {
    int bucket = 0;
    while (bucket < LATENCY_BUCKET_NANOS.length && nanos > LATENCY_BUCKET_NANOS[bucket]) {
      bucket++;
    }
    latencyBuckets[bucket].increment();
    latencySumNanos.add(nanos);
  }

  public void connectionOpened(Listener listener) {
    openConnections[listener.ordinal()].increment();
  }

  public void connectionClosed(Listener listener) {
    openConnections[listener.ordinal()].decrement();
  }

  public void connectionRefused(Listener listener) {
    refusedConnections[listener.ordinal()].increment();
  }

  public long openConnections(Listener listener) {
    return openConnections[listener.ordinal()].sum();
  }

  public void webSocketOpened() {
    webSocketSessions.increment();
    webSocketSessionsTotal.increment();
  }

  public void webSocketClosed() {
    webSocketSessions.decrement();
  }

  public long webSocketSessions() {
    return webSocketSessions.sum();
  }

  public void upstreamError(UpstreamError error) {
    upstreamErrors[error.ordinal()].increment();
  }

  /** A request sent again on a new connection (see {@code Retry}). */
  public void upstreamRetried() {
    upstreamRetries.increment();
  }

  public void accessLogDropped() {
    accessLogDropped.increment();
  }

  long requests(Listener listener, int statusClass) {
    return requests[listener.ordinal()][statusClass - 1].sum();
  }

  long refusedConnections(Listener listener) {
    return refusedConnections[listener.ordinal()].sum();
  }

  long latencyBucket(int index) {
    return latencyBuckets[index].sum();
  }

  long latencySumNanos() {
    return latencySumNanos.sum();
  }

  long webSocketSessionsTotal() {
    return webSocketSessionsTotal.sum();
  }

  long upstreamErrors(UpstreamError error) {
    return upstreamErrors[error.ordinal()].sum();
  }

  long upstreamRetries() {
    return upstreamRetries.sum();
  }

  long accessLogDroppedLines() {
    return accessLogDropped.sum();
  }
}
