package io.akproxy.operator.reconciler;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts reconciles as they start, finish and fail, so a test can wait for one instead of sleeping,
 * and a throw-and-retry loop shows up as clearly as a loop of successful reconciles.
 */
class ReconcileCounter implements Metrics {

  /** How long nothing must have started, finished or failed before the operator counts as idle. */
  static final Duration QUIET = Duration.ofSeconds(2);

  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());

  @Override
  public void reconcileCustomResource(
      HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    started.incrementAndGet();
    lastActivity.set(System.nanoTime());
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    finished.incrementAndGet();
    lastActivity.set(System.nanoTime());
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    failed.incrementAndGet();
    lastActivity.set(System.nanoTime());
  }

  int started() {
    return started.get();
  }

  int finished() {
    return finished.get();
  }

  int failed() {
    return failed.get();
  }

  /** Whether no reconcile is running and none started, finished or failed for {@code quiet}. */
  boolean quietFor(Duration quiet) {
    return started.get() == finished.get() + failed.get()
        && System.nanoTime() - lastActivity.get() >= quiet.toNanos();
  }

  /**
   * Waits until the operator has been idle for {@link #QUIET}: a write from a reconcile queued by
   * the previous one lands before this returns, so "no writes" counted afterwards means none.
   */
  void awaitQuiet() {
    await()
        .atMost(OperatorTestBase.WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> quietFor(QUIET));
  }
}
