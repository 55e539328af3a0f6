package io.akproxy.testkit.time;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks after a delay: on real time ({@link #system}) or on a test's {@link ManualClock},
 * where nothing happens until the test advances time.
 */
public interface Scheduler extends AutoCloseable {

  /** A scheduled task; {@code cancel()} keeps it from running if it has not started. */
  interface Task {
    void cancel();
  }

  /** Runs {@code task} once, {@code delay} from now (at once, or soon, if not positive). */
  Task schedule(Duration delay, Runnable task);

  /** The clock this scheduler's delays are measured on. */
  Clock clock();

  @Override
  void close();

  /** Real time, one daemon thread named {@code name}: tasks run one at a time. */
  static Scheduler system(String name) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, name);
              thread.setDaemon(true);
              return thread;
            });
    return new Scheduler() {
      @Override
      public Task schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future =
            executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
      }

      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public void close() {
        executor.shutdownNow();
        try {
          executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }
}
