package io.akproxy.testkit.time;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for conditions across processes and threads, where there is no event to wait on. Both
 * helpers poll; neither sleeps in place of a condition. A failure names what was awaited and what
 * was last seen.
 */
public final class Await {

  private static final Duration POLL = Duration.ofMillis(50);

  private Await() {}

  /** Something to wait for; an exception means "not yet" (a connection refused, say). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Returns once {@code condition} holds; an {@link AssertionError} after {@code timeout}, with the
   * last exception the condition threw as its cause.
   */
  public static void until(String what, Duration timeout, Condition condition) {
    Instant deadline = Instant.now().plus(timeout);
    Exception lastError = null;
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
        lastError = null;
      } catch (Exception e) {
        lastError = e;
      }
      if (Instant.now().isAfter(deadline)) {
        AssertionError failure =
            new AssertionError(what + ": not within " + timeout.toMillis() + " ms");
        if (lastError != null) {
          failure.initCause(lastError);
        }
        throw failure;
      }
      pause(POLL);
    }
  }

  /**
   * Returns the value of {@code value} once it has stayed equal for {@code quiet} (for example a
   * byte counter that stopped moving because a peer pushes back).
   */
  public static <T> T untilStable(
      String what, Duration quiet, Duration timeout, Supplier<T> value) {
    return untilStable(what, quiet, timeout, value, v -> true);
  }

  /**
   * Returns the value of {@code value} once it has stayed equal, and {@code accepted}, for {@code
   * quiet}. An {@link AssertionError} with the last value after {@code timeout}.
   */
  public static <T> T untilStable(
      String what, Duration quiet, Duration timeout, Supplier<T> value, Predicate<T> accepted) {
    Instant deadline = Instant.now().plus(timeout);
    Duration poll = clamp(quiet.dividedBy(10), Duration.ofMillis(10), Duration.ofMillis(200));
    T last = value.get();
    Instant since = Instant.now();
    while (true) {
      pause(poll);
      T now = value.get();
      Instant at = Instant.now();
      if (!Objects.equals(now, last) || !accepted.test(now)) {
        last = now;
        since = at;
      } else if (!Duration.between(since, at).minus(quiet).isNegative()) {
        return now;
      }
      if (at.isAfter(deadline)) {
        throw new AssertionError(
            what
                + ": not stable for "
                + quiet.toMillis()
                + " ms within "
                + timeout.toMillis()
                + " ms; last value "
                + now);
      }
    }
  }

  private static Duration clamp(Duration value, Duration min, Duration max) {
    return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }
}
