package io.akproxy.operator.reconciler;

import static org.awaitility.Awaitility.await;

import io.akproxy.operator.MockCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts reconciles as they start, finish and fail, so a test can wait for one instead of sleeping,
 * and a throw-and-retry loop shows up as clearly as a loop of successful reconciles. Registered
 * with the mock API server too ({@link MockCluster#onOperatorRequests}), it knows when the operator
 * last did anything at all: "quiet" is measured from the last event, not waited for blindly.
 */
class ReconcileCounter implements Metrics, MockCluster.RequestListener {

  /**
   * How long after its last reconcile or request the operator counts as idle: longer than the first
   * retry of a failed reconcile (500 ms) and than the trip of its own write back through a watch,
   * which would queue the next reconcile.
   */
  static final Duration QUIET = Duration.ofMillis(700);

  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger executing = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());

  @Override
  public void reconcileCustomResource(
      HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    started.incrementAndGet();
    touch();
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    executing.incrementAndGet();
    touch();
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    executing.decrementAndGet();
    touch();
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    finished.incrementAndGet();
    touch();
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    failed.incrementAndGet();
    touch();
  }

  @Override
  public void requestStarted() {
    requests.incrementAndGet();
    touch();
  }

  @Override
  public void requestFinished() {
    requests.decrementAndGet();
    touch();
  }

  private void touch() {
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

  /** Whether no reconcile or request is running and the last one ended {@code quiet} ago. */
  boolean quietFor(Duration quiet) {
    return executing.get() == 0
        && requests.get() == 0
        && System.nanoTime() - lastActivity.get() >= quiet.toNanos();
  }

  /**
   * Waits until the operator has been idle for {@link #QUIET}: a write from a reconcile queued by
   * the previous one lands before this returns, so "no writes" counted afterwards means none.
   */
  void awaitQuiet() {
    await()
        .atMost(OperatorTestBase.WAIT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> quietFor(QUIET));
  }
}
