package io.akproxy.testkit.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A clock that moves only when the test moves it, and the {@link Scheduler} on it: a task runs on
 * the thread that {@linkplain #advance advances} time past its due instant, in due order, with the
 * clock reading that instant while it runs. A task scheduled with no delay runs at once, on the
 * scheduling thread. So a test states "60 s later" without waiting 60 s, and timing cannot flake.
 */
public final class ManualClock extends Clock implements Scheduler {

  private record Due(Instant at, long sequence, Runnable task, boolean[] cancelled)
      implements Comparable<Due> {
    @Override
    public int compareTo(Due other) {
      int byTime = at.compareTo(other.at);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }

  private final ZoneId zone;
  private final PriorityQueue<Due> queue = new PriorityQueue<>();
  private Instant now;
  private long sequence;

  public ManualClock(Instant start) {
    this(start, ZoneOffset.UTC);
  }

  private ManualClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  /** A clock starting at the real current time, truncated to the second. */
  public static ManualClock startingNow() {
    return new ManualClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a ManualClock is shared by reference; keep UTC");
  }

  @Override
  public Clock clock() {
    return this;
  }

  @Override
  public Task schedule(Duration delay, Runnable task) {
    if (delay.isNegative() || delay.isZero()) {
      task.run();
      return () -> {};
    }
    boolean[] cancelled = {false};
    synchronized (this) {
      queue.add(new Due(now.plus(delay), sequence++, task, cancelled));
    }
    return () -> {
      synchronized (this) {
        cancelled[0] = true;
      }
    };
  }

  /**
   * Moves time forward by {@code duration}, running every task that falls due on the way (also
   * those that the tasks themselves schedule inside the window), each at its due instant.
   */
  public void advance(Duration duration) {
    Instant target;
    synchronized (this) {
      target = now.plus(duration);
    }
    while (true) {
      Due next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.at().isAfter(target)) {
          now = target;
          return;
        }
        queue.poll();
        now = next.at();
        if (next.cancelled()[0]) {
          continue;
        }
      }
      next.task().run();
    }
  }

  /** The due instants of the tasks waiting, earliest first. */
  public synchronized List<Instant> pending() {
    List<Instant> pending = new ArrayList<>();
    queue.stream().filter(d -> !d.cancelled()[0]).sorted().forEach(d -> pending.add(d.at()));
    return pending;
  }

  @Override
  public synchronized void close() {
    queue.clear();
  }
}
