package io.akproxy.operator;

import io.akproxy.operator.reconciler.AuthentikProxyReconciler;
import io.akproxy.operator.reconciler.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.javaoperatorsdk.operator.health.Status;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator in-process: one controller for AuthentikProxy on the given client. {@code Main} runs
 * it in a pod; the tests, the demo and the end-to-end tests run it against a simulated API server.
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

  private static final Logger LOG = LoggerFactory.getLogger(AkproxyOperator.class);

  private final Operator operator;
  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final AtomicBoolean lostLease = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AuthentikProxyReconciler reconciler;

  public AkproxyOperator(KubernetesClient client, OperatorSettings settings) {
    this(client, settings, Clock.systemUTC(), Metrics.NOOP);
  }

  /**
   * @param clock the time certificates are checked against
   * @param metrics JOSDK's metrics hook (reconcile counts and timings)
   */
  public AkproxyOperator(
      KubernetesClient client, OperatorSettings settings, Clock clock, Metrics metrics) {
    this.client = client;
    String ownNamespace = settings.ownNamespace(client.getNamespace());
    this.namespaces = settings.namespacesToWatch(client.getNamespace());
    this.operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  // The client belongs to the caller (the demo shares it).
                  .withCloseClientOnStop(false)
                  // What is tested is what runs: the tests' API server has no server-side apply.
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  // A missing permission (a Role not applied, a watched namespace that does not
                  // exist) is reported on /readyz and in the log, and retried: no crash loop.
                  .withStopOnInformerErrorDuringStartup(false)
                  .withCacheSyncTimeout(settings.cacheSyncTimeout())
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
                        new LeaderCallbacks(() -> {}, this::onLeaseLost, leader -> {}),
                        settings.exitOnLostLease()));
              }
            });
    this.reconciler =
        new AuthentikProxyReconciler(
            new AuthentikProxyReconciler.ReconcilerSettings(
                settings.runtimeImage(), settings.clusterDomain(), ownNamespace),
            clock,
            new EventRecorder(client, clock),
            () -> !lostLease.get());
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
    checkKubernetesVersion();
    operator.start();
  }

  private volatile Optional<String> versionProblem = Optional.empty();

  private void checkKubernetesVersion() {
    try {
      VersionInfo version = client.getKubernetesVersion();
      versionProblem = KubernetesVersion.problem(version.getMajor(), version.getMinor());
      versionProblem.ifPresent(LOG::error);
    } catch (RuntimeException e) {
      LOG.warn("could not read the API server's version: {}", e.getMessage());
    }
  }

  public void stop() {
    stopping.set(true);
    operator.stop();
    reconciler.close();
  }

  /**
   * This instance no longer holds the Lease (a renewal failed until its deadline): another instance
   * may take over at any moment, so this one must never reconcile again. In production the process
   * exits (AKPROXY's default; Kubernetes restarts it as a standby); where several instances share
   * one process (tests, the demo) it stops reconciling at once and stops itself. JOSDK alone would
   * only log "Stopped leading" and keep reconciling beside the new leader.
   */
  private void onLeaseLost() {
    if (stopping.get()) {
      return; // stopping on purpose: the Lease ends with it
    }
    lostLease.set(true);
    LOG.error("lost the leader-election Lease: this instance stops reconciling and shuts down");
    Thread stopper = new Thread(this::stop, "akproxy-lost-lease");
    stopper.setDaemon(true);
    stopper.start();
  }

  /** Whether the operator runs: started, not stopped, still entitled to reconcile (liveness). */
  public boolean isLive() {
    return operator.getRuntimeInfo().isStarted() && !lostLease.get();
  }

  /** Whether the operator reconciles with synced, healthy informers (readiness). */
  public boolean isReady() {
    return readiness().isEmpty();
  }

  /**
   * Why the operator is not ready, or empty when it is: an API server too old, or the informers
   * that cannot list or watch (typically a permission the RBAC does not grant, or a watched
   * namespace that does not exist), by resource and namespace.
   */
  public Optional<String> readiness() {
    if (lostLease.get()) {
      return Optional.of("lost the leader-election Lease; shutting down");
    }
    if (versionProblem.isPresent()) {
      return versionProblem;
    }
    var runtime = operator.getRuntimeInfo();
    if (!runtime.isStarted()) {
      return Optional.of("not started");
    }
    if (runtime.allEventSourcesAreHealthy()) {
      return Optional.empty();
    }
    List<String> unhealthy = new ArrayList<>();
    for (Map<String, InformerWrappingEventSourceHealthIndicator> sources :
        runtime.unhealthyInformerWrappingEventSourceHealthIndicator().values()) {
      for (Map.Entry<String, InformerWrappingEventSourceHealthIndicator> source :
          sources.entrySet()) {
        Map<String, InformerHealthIndicator> informers =
            source.getValue().informerHealthIndicators();
        for (Map.Entry<String, InformerHealthIndicator> informer : informers.entrySet()) {
          if (informer.getValue().getStatus() != Status.HEALTHY) {
            String namespace = informer.getKey();
            unhealthy.add(
                source.getKey()
                    + " in "
                    + (namespace == null || namespace.equals("JOSDK_ALL_NAMESPACES")
                        ? "all namespaces"
                        : namespace));
          }
        }
      }
    }
    return Optional.of(
        "cannot list or watch "
            + (unhealthy.isEmpty() ? "some resources" : String.join(", ", unhealthy))
            + ": check that the namespace exists and the operator's RBAC grants it (see the log)");
  }

  /** The namespaces this operator watches ({@code *}: all). */
  public Set<String> namespaces() {
    return namespaces;
  }
}
