package io.akproxy.testkit.kubelet;

import io.akproxy.testkit.time.Scheduler;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When the kubelet syncs one pod, and so when a changed ConfigMap or Secret reaches the pod's
 * volumes: at the pod's start, whenever the Pod object changes (the kubelet's pod-update event),
 * and otherwise at the periodic resync, {@code period} after the previous sync (the kubelet's
 * {@code --sync-frequency}, 60 s by default, plus up to {@code jitter} × period). Never on a write
 * to the ConfigMap or Secret itself: that is what makes a real rotation take a minute unless
 * someone touches the Pod.
 *
 * <p>Syncs of one pod never overlap. On a {@link io.akproxy.testkit.time.ManualClock} a sync runs
 * on the thread that advances time past it, or on the caller of {@link #podChanged}.
 */
public final class PodSync implements AutoCloseable {

  /** The kubelet's default {@code --sync-frequency}. */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(60);

  /** One sync of the pod: read its sources and project its volumes (and whatever else). */
  @FunctionalInterface
  public interface Action {
    void sync() throws Exception;
  }

  /** Observes syncs and their failures (a source missing, a write refused). */
  public interface Listener {
    default void synced(Reason reason) {}

    default void failed(Reason reason, Exception error) {}
  }

  /** Why a sync ran. */
  public enum Reason {
    START,
    POD_CHANGED,
    PERIODIC
  }

  private final Scheduler scheduler;
  private final Duration period;
  private final double jitter;
  private final Random random;
  private final Action action;
  private final Listener listener;
  private final AtomicLong syncs = new AtomicLong();
  private Scheduler.Task next;
  private boolean closed;

  private PodSync(
      Scheduler scheduler,
      Duration period,
      double jitter,
      Random random,
      Action action,
      Listener listener) {
    this.scheduler = scheduler;
    this.period = period;
    this.jitter = jitter;
    this.random = random;
    this.action = action;
    this.listener = listener;
  }

  /** Syncs at once (the pod starts), then every {@code period} unless the pod changes first. */
  public static PodSync start(Scheduler scheduler, Duration period, Action action) {
    return start(scheduler, period, 0, new Random(), action, new Listener() {});
  }

  /**
   * @param jitter the real kubelet waits period × (1 + up to 0.5); 0 makes the period exact
   */
  public static PodSync start(
      Scheduler scheduler,
      Duration period,
      double jitter,
      Random random,
      Action action,
      Listener listener) {
    PodSync sync = new PodSync(scheduler, period, jitter, random, action, listener);
    scheduler.schedule(Duration.ZERO, () -> sync.run(Reason.START));
    return sync;
  }

  /** The Pod object changed: the kubelet syncs the pod now. */
  public void podChanged() {
    scheduler.schedule(Duration.ZERO, () -> run(Reason.POD_CHANGED));
  }

  /** Syncs done so far (failed ones included). */
  public long syncs() {
    return syncs.get();
  }

  private synchronized void run(Reason reason) {
    if (closed) {
      return;
    }
    if (next != null) {
      next.cancel();
    }
    try {
      action.sync();
      listener.synced(reason);
    } catch (Exception e) {
      listener.failed(reason, e);
    } finally {
      syncs.incrementAndGet();
      next = scheduler.schedule(nextDelay(), () -> run(Reason.PERIODIC));
    }
  }

  private Duration nextDelay() {
    if (jitter <= 0) {
      return period;
    }
    return period.plusMillis((long) (period.toMillis() * jitter * random.nextDouble()));
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel();
    }
  }
}
