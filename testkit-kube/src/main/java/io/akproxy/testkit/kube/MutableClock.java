package io.akproxy.testkit.kube;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock a test moves by hand, shared by the API server (timestamps) and its controllers (the
 * Deployment's progress deadline). Listeners hear every move, so a controller re-evaluates what
 * time decides without polling.
 */
public final class MutableClock extends Clock {

  private volatile Instant now;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public MutableClock(Instant start) {
    this.now = start;
  }

  /** Starts at the current second of the system clock. */
  public static MutableClock startingNow() {
    return new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  public void advance(Duration duration) {
    now = now.plus(duration);
    listeners.forEach(Runnable::run);
  }

  void onAdvance(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
