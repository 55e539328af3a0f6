package io.akproxy.testkit.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/**
 * Real time that a test can also jump forward: the clock reads the system clock plus every {@link
 * #skip} so far, and tasks run one at a time on a daemon thread when their due instant comes,
 * whether by waiting or by a skip past it. For whole-loop tests with real processes, which need
 * time to pass, that also need "ten minutes later" (a Deployment's progress deadline) without
 * waiting ten minutes. Where nothing needs to pass on its own, {@link ManualClock} is simpler.
 */
public final class SkippableTime extends Clock implements Scheduler {

  private record Due(Instant at, long sequence, Runnable task, boolean[] cancelled)
      implements Comparable<Due> {
    @Override
    public int compareTo(Due other) {
      int byTime = at.compareTo(other.at);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }

  private final PriorityQueue<Due> queue = new PriorityQueue<>();
  private Duration offset = Duration.ZERO;
  private long sequence;
  private boolean running;
  private boolean closed;

  /** Starts the thread, named {@code name}, that runs the tasks. */
  public SkippableTime(String name) {
    Thread runner = new Thread(this::runTasks, name);
    runner.setDaemon(true);
    runner.start();
  }

  @Override
  public synchronized Instant instant() {
    return Instant.now().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("shared by reference; keep UTC");
  }

  @Override
  public Clock clock() {
    return this;
  }

  @Override
  public synchronized Task schedule(Duration delay, Runnable task) {
    boolean[] cancelled = {false};
    Duration wait = delay.isNegative() ? Duration.ZERO : delay;
    queue.add(new Due(instant().plus(wait), sequence++, task, cancelled));
    notifyAll();
    return () -> {
      synchronized (this) {
        cancelled[0] = true;
      }
    };
  }

  /**
   * Moves the clock {@code duration} forward at once and returns when every task that fell due has
   * run (also those that such tasks scheduled for now). Tasks see the clock after the skip.
   */
  public synchronized void skip(Duration duration) {
    offset = offset.plus(duration);
    notifyAll();
    try {
      while (!closed && (running || dueNow() != null)) {
        wait();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The earliest task that is due and not cancelled, dropping cancelled ones; or null. */
  private Due dueNow() {
    while (!queue.isEmpty() && queue.peek().cancelled()[0]) {
      queue.poll();
    }
    Due next = queue.peek();
    return next != null && !next.at().isAfter(instant()) ? next : null;
  }

  private void runTasks() {
    while (true) {
      Due next = null;
      synchronized (this) {
        try {
          while (!closed && (next = dueNow()) == null) {
            Due earliest = queue.peek();
            long millis =
                earliest == null
                    ? 0
                    : Math.max(1, Duration.between(instant(), earliest.at()).toMillis());
            wait(millis);
          }
        } catch (InterruptedException e) {
          return;
        }
        if (closed) {
          return;
        }
        queue.poll();
        running = true;
      }
      try {
        next.task().run();
      } catch (RuntimeException e) {
        // A failing task must not stop the clock; the task's owner reports its own failures.
        System.getLogger(SkippableTime.class.getName())
            .log(System.Logger.Level.WARNING, "a scheduled task failed", e);
      } finally {
        synchronized (this) {
          running = false;
          notifyAll();
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    queue.clear();
    notifyAll();
  }
}
