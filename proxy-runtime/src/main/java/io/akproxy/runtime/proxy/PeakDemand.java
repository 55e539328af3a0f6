package io.akproxy.runtime.proxy;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest number of concurrent upstream requests seen over the last full window and the current
 * one. Remembering the whole previous window (rather than restarting from the demand of the instant
 * a window turns, which under steady load is often far below its peak) means demand must stay low
 * for a full window before connections count as surplus. Lock-free and approximate under races,
 * which only shifts a connection's fate by one exchange.
 */
final class PeakDemand {

  private final long windowMillis;
  private final Clock clock;
  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger previous = new AtomicInteger();
  private final AtomicLong windowEnds;

  PeakDemand(long windowMillis, Clock clock) {
    this.windowMillis = windowMillis;
    this.clock = clock;
    this.windowEnds = new AtomicLong(clock.millis() + windowMillis);
  }

  /** Records the demand right now. */
  void observe(int demand) {
    current.accumulateAndGet(demand, Math::max);
  }

  /** The peak of the previous and the current window, turning the window first if it is over. */
  int peak(int demand) {
    long now = clock.millis();
    long ends = windowEnds.get();
    if (now >= ends && windowEnds.compareAndSet(ends, now + windowMillis)) {
      // A window that ended more than a window ago saw no traffic at all.
      previous.set(now < ends + windowMillis ? current.get() : demand);
      current.set(demand);
    } else {
      observe(demand);
    }
    return Math.max(previous.get(), current.get());
  }
}
