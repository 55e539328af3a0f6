package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.Simulation;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.Names;
import io.akproxy.testkit.kube.RecordedRequest;
import io.akproxy.testkit.kube.SimulatedCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Instances that share a Lease: only its holder reconciles, the others stay idle the whole time and
 * take over when it stops, and a holder that can no longer renew the Lease stops reconciling before
 * anyone else may start.
 */
@Execution(ExecutionMode.CONCURRENT) // each test has its own cluster
class LeaderElectionTest {

  private static final String NS = "authentik";
  private static final String A = "operator-a";
  private static final String B = "operator-b";
  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * The production default: the holder renews every 2.1 s (1/7) and gives the Lease up after 10 s
   * (2/3) without a successful renewal; another may take it 15 s after the last one. Beside the
   * other test classes on a loaded machine a shorter Lease can lapse for want of CPU alone, and the
   * standby would then rightly take over while the test says it must not.
   */
  private static final Duration LEASE = Duration.ofSeconds(15);

  private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/" + NS + "/leases";

  @Test
  void onlyTheLeaderReconcilesTheStandbyStaysIdleThroughoutAndTakesOver() {
    try (SimulatedCluster cluster = Simulation.start(NS)) {
      ReconcileCounter aReconciles = new ReconcileCounter();
      ReconcileCounter bReconciles = new ReconcileCounter();
      AkproxyOperator a = instance(cluster, A, aReconciles);
      AkproxyOperator b = instance(cluster, B, bReconciles);
      try {
        a.start();
        await().atMost(WAIT).until(() -> A.equals(holder(cluster)));
        b.start();
        createProxy(cluster.client());
        await().atMost(WAIT).until(() -> configMap(cluster) != null);

        // For a whole Lease duration, while the leader works on a change and renews the Lease
        // several times over, the standby reconciles nothing and writes nothing but its looks at
        // the Lease.
        edit(cluster.client(), p -> p.getSpec().trustedProxyCIDRs = List.of("10.0.0.0/8"));
        await()
            .during(LEASE)
            .atMost(LEASE.plus(WAIT))
            .untilAsserted(
                () -> {
                  assertThat(bReconciles.started()).as("reconciles of the standby").isZero();
                  assertThat(changes(writesBy(cluster, B)))
                      .as("changes written by the standby")
                      .isEmpty();
                });
        await()
            .atMost(WAIT)
            .until(() -> configMap(cluster).contains("10.0.0.0/8") && aReconciles.finished() > 0);

        a.stop();
        // A stopped holder does not release the Lease (JOSDK): it expires first.
        await().atMost(LEASE.plus(WAIT)).until(() -> B.equals(holder(cluster)));
        edit(cluster.client(), p -> p.getSpec().trustedProxyCIDRs = List.of("192.168.0.0/16"));
        // The ConfigMap is written before the reconcile that wrote it counts as finished.
        await()
            .atMost(WAIT)
            .until(
                () -> configMap(cluster).contains("192.168.0.0/16") && bReconciles.finished() > 0);
      } finally {
        a.stop();
        b.stop();
      }
    }
  }

  @Test
  void aLeaderThatCannotRenewItsLeaseStopsReconcilingAtOnce() {
    try (SimulatedCluster cluster = Simulation.start(NS)) {
      ReconcileCounter reconciles = new ReconcileCounter();
      AkproxyOperator a = instance(cluster, A, reconciles);
      try {
        a.start();
        await().atMost(WAIT).until(() -> A.equals(holder(cluster)));
        createProxy(cluster.client());
        await().atMost(WAIT).until(() -> configMap(cluster) != null);

        // The API server refuses every renewal: after the renew deadline the Lease is as good as
        // lost, and another instance may take it once it expires.
        cluster.faults().failNext(Integer.MAX_VALUE, "PATCH", LEASES, 500);
        await().atMost(LEASE.plus(WAIT)).until(() -> !a.isLive());
        assertThat(a.readiness()).hasValueSatisfying(why -> assertThat(why).contains("Lease"));
        int writesBefore = (int) writesBy(cluster, A).count();
        String before = configMap(cluster);

        edit(cluster.client(), p -> p.getSpec().trustedProxyCIDRs = List.of("10.0.0.0/8"));
        await()
            .during(LEASE)
            .atMost(LEASE.plus(WAIT))
            .untilAsserted(
                () -> {
                  assertThat(configMap(cluster)).as("proxy.json").isEqualTo(before);
                  assertThat(changes(writesBy(cluster, A).skip(writesBefore)))
                      .as("changes written after the Lease was lost")
                      .isEmpty();
                });
      } finally {
        a.stop();
      }
    }
  }

  /**
   * Writes that change something but the Lease: not the Lease attempts themselves, nor the
   * SelfSubjectRulesReview (a POST that only asks) that leader election starts with.
   */
  private static List<String> changes(Stream<String> writes) {
    return writes
        .filter(w -> !w.contains(LEASES))
        .filter(w -> !w.contains("/selfsubjectrulesreviews"))
        .toList();
  }

  private static Stream<String> writesBy(SimulatedCluster cluster, String agent) {
    return cluster.requests().writesBy(agent).stream().map(RecordedRequest::toString);
  }

  private static AkproxyOperator instance(
      SimulatedCluster cluster, String identity, ReconcileCounter counter) {
    KubernetesClient client = cluster.newClient(identity);
    return new AkproxyOperator(
        client,
        OperatorSettings.forNamespaces(NS).withLeaderElection(identity, LEASE),
        Clock.systemUTC(),
        counter);
  }

  private static void createProxy(KubernetesClient kube) {
    kube.resource(
            TestResources.tlsSecret(NS, TestResources.TLS_SECRET, TestResources.ssoCertificate()))
        .create();
    kube.resource(TestResources.authentikService(NS)).create();
    kube.resource(TestResources.proxy(NS, "sso")).create();
  }

  private static void edit(KubernetesClient kube, Consumer<AuthentikProxy> change) {
    TestResources.editProxy(kube, NS, "sso", change);
  }

  /** proxy.json in the proxy's ConfigMap, or null while there is none. */
  private static String configMap(SimulatedCluster cluster) {
    ConfigMap configMap =
        cluster.client().configMaps().inNamespace(NS).withName(Names.child("sso")).get();
    return configMap == null ? null : configMap.getData().get(Names.CONFIG_KEY);
  }

  private static String holder(SimulatedCluster cluster) {
    Lease lease =
        cluster
            .client()
            .leases()
            .inNamespace(NS)
            .withName(OperatorSettings.DEFAULT_LEASE_NAME)
            .get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }
}
