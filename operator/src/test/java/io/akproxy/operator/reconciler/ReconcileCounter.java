package io.akproxy.operator.reconciler;

import static org.awaitility.Awaitility.await;

import io.akproxy.testkit.kube.RequestLog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts reconciles as they start, finish and fail, so a test can wait for one instead of sleeping,
 * and a throw-and-retry loop shows up as clearly as a loop of successful reconciles. Given the
 * simulated API server's request log ({@link #watchRequests}), it knows when the operator last did
 * anything at all: "quiet" is measured from the last event, not waited for blindly.
 */
class ReconcileCounter implements Metrics {

  /**
   * How long after its last reconcile or request the operator counts as idle: longer than the first
   * retries of a failed reconcile (500 ms, then 1 s) and than the trip of a write back through a
   * watch, which would queue the next reconcile, even on a loaded machine where that trip can take
   * most of a second. Shorter than {@link PodStatusReader#POLL}, so a reconcile that polls is seen
   * by a test that watches for reconciles after the quiet, rather than only as a timeout.
   */
  static final Duration QUIET = Duration.ofSeconds(2);

  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger executing = new AtomicInteger();
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

  private volatile RequestLog requestLog;
  private volatile String userAgent;

  /** From now on, the operator's requests in {@code log} (sent as {@code userAgent}) count too. */
  void watchRequests(RequestLog log, String userAgent) {
    this.userAgent = userAgent;
    this.requestLog = log;
  }

  /** When the operator's last request arrived, or long ago. */
  private long lastRequest() {
    RequestLog log = requestLog;
    if (log == null) {
      return Long.MIN_VALUE / 2;
    }
    var requests = log.by(userAgent);
    return requests.isEmpty()
        ? Long.MIN_VALUE / 2
        : requests.get(requests.size() - 1).arrivedNanos();
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

  /** Whether no reconcile runs and the last reconcile event or request was {@code quiet} ago. */
  boolean quietFor(Duration quiet) {
    long now = System.nanoTime();
    return executing.get() == 0
        && now - lastActivity.get() >= quiet.toNanos()
        && now - lastRequest() >= quiet.toNanos();
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
