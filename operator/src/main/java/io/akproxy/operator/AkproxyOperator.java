package io.akproxy.operator;

import io.akproxy.operator.reconciler.AuthentikProxyReconciler;
import io.akproxy.operator.reconciler.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * The operator in-process: one controller for AuthentikProxy on the given client. {@code Main} runs
 * it in a pod; the demo and the end-to-end tests run it against a mock API server.
 */
public final class AkproxyOperator {

  /**
   * A failed reconcile (API errors, conflicts) is retried from half a second, doubling up to five
   * minutes, without giving up: a proxy must converge once the API server recovers. Bad input (a
   * missing Secret) is not a failure: it is reported, and the watch brings the fix.
   */
  static final GenericRetry RETRY =
      new GenericRetry()
          .setInitialInterval(500)
          .setIntervalMultiplier(2)
          .setMaxInterval(Duration.ofMinutes(5).toMillis())
          .withoutMaxAttempts();

  private final Operator operator;
  private final Set<String> namespaces;

  public AkproxyOperator(KubernetesClient client, OperatorSettings settings) {
    this(client, settings, Clock.systemUTC(), Metrics.NOOP);
  }

  /**
   * @param clock the time certificates are checked against
   * @param metrics JOSDK's metrics hook (reconcile counts and timings)
   */
  public AkproxyOperator(
      KubernetesClient client, OperatorSettings settings, Clock clock, Metrics metrics) {
    String ownNamespace = settings.ownNamespace(client.getNamespace());
    this.namespaces = settings.namespacesToWatch(client.getNamespace());
    this.operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  // The client belongs to the caller (the demo shares it).
                  .withCloseClientOnStop(false)
                  // What is tested is what runs: fabric8's mock server has no server-side apply.
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withMetrics(metrics);
              if (settings.leaderElection()) {
                Duration lease = settings.leaseDuration();
                overrider.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        settings.leaseName(),
                        ownNamespace,
                        lease,
                        lease.multipliedBy(2).dividedBy(3),
                        lease.dividedBy(7),
                        settings.leaseIdentity(),
                        null,
                        settings.exitOnLostLease()));
              }
            });
    AuthentikProxyReconciler reconciler =
        new AuthentikProxyReconciler(
            new AuthentikProxyReconciler.ReconcilerSettings(
                settings.runtimeImage(), settings.clusterDomain()),
            clock,
            new EventRecorder(client, clock));
    operator.register(
        reconciler,
        override -> {
          override.withRetry(RETRY);
          if (settings.watchesAllNamespaces()) {
            override.watchingAllNamespaces();
          } else {
            override.settingNamespaces(namespaces);
          }
        });
  }

  /** Starts the informers and, once they synced (and the lease is held), reconciling. */
  public void start() {
    operator.start();
  }

  public void stop() {
    operator.stop();
  }

  /** Whether the operator runs: started and not stopped (liveness). */
  public boolean isLive() {
    return operator.getRuntimeInfo().isStarted();
  }

  /** Whether the operator reconciles with synced, healthy informers (readiness). */
  public boolean isReady() {
    return operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  /** The namespaces this operator watches ({@code *}: all). */
  public Set<String> namespaces() {
    return namespaces;
  }
}
