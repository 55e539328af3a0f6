package io.akproxy.runtime.proxy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest number of concurrent upstream requests seen in the current window; the window
 * restarts from the present demand once it is older than its length. Lock-free and approximate
 * under races, which only shifts a connection's fate by one exchange.
 */
final class PeakDemand {

  private final long windowNanos;
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicLong windowEnds = new AtomicLong();

  PeakDemand(long windowMillis) {
    this.windowNanos = windowMillis * 1_000_000L;
    windowEnds.set(System.nanoTime() + windowNanos);
  }

  /** Records the demand right now. */
  void observe(int current) {
    peak.accumulateAndGet(current, Math::max);
  }

  /** The window's peak, after starting a new window from {@code current} if this one is over. */
  int peak(int current) {
    long now = System.nanoTime();
    long ends = windowEnds.get();
    if (now - ends > 0 && windowEnds.compareAndSet(ends, now + windowNanos)) {
      peak.set(current);
    }
    return peak.get();
  }
}
