package io.akproxy.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts finished reconciles, so a test can wait for one instead of sleeping. */
class ReconcileCounter implements Metrics {

  private final AtomicInteger finished = new AtomicInteger();

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    finished.incrementAndGet();
  }

  int finished() {
    return finished.get();
  }
}
