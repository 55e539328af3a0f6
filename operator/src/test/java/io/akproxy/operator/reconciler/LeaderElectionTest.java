package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.MockCluster;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.TestCertificates;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two operator instances: only the Lease holder reconciles; the other takes over when it stops. */
class LeaderElectionTest {

  private static final String NS = "authentik";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration LEASE = Duration.ofSeconds(3);

  @Test
  void onlyTheLeaderReconcilesAndTheStandbyTakesOver() {
    try (MockCluster cluster = new MockCluster()) {
      ReconcileCounter aReconciles = new ReconcileCounter();
      ReconcileCounter bReconciles = new ReconcileCounter();
      AkproxyOperator a = instance(cluster, "operator-a", aReconciles);
      AkproxyOperator b = instance(cluster, "operator-b", bReconciles);
      try {
        a.start();
        await().atMost(WAIT).until(() -> "operator-a".equals(holder(cluster)));
        b.start();

        var kube = cluster.testClient;
        kube.resource(
                TestCertificates.tlsSecret(
                    NS,
                    TestResources.TLS_SECRET,
                    TestCertificates.issue(List.of("sso.example.com"), Duration.ofDays(30))))
            .create();
        kube.resource(TestResources.authentikService(NS)).create();
        kube.resource(TestResources.proxy(NS, "sso")).create();
        await()
            .atMost(WAIT)
            .until(
                () -> kube.configMaps().inNamespace(NS).withName(Names.child("sso")).get() != null);
        await().atMost(WAIT).until(() -> aReconciles.finished() > 0);
        assertThat(bReconciles.finished()).as("the standby reconciles nothing").isZero();

        a.stop();
        await().atMost(WAIT).until(() -> "operator-b".equals(holder(cluster)));
        await()
            .atMost(WAIT)
            .ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
            .until(
                () ->
                    kube.resources(AuthentikProxy.class)
                            .inNamespace(NS)
                            .withName("sso")
                            .edit(
                                p -> {
                                  p.getSpec().trustedProxyCIDRs = List.of("10.0.0.0/8");
                                  return p;
                                })
                        != null);
        await()
            .atMost(WAIT)
            .untilAsserted(
                () ->
                    assertThat(
                            kube.resources(ConfigMap.class)
                                .inNamespace(NS)
                                .withName(Names.child("sso"))
                                .get()
                                .getData()
                                .get(Names.CONFIG_KEY))
                        .contains("10.0.0.0/8"));
        assertThat(bReconciles.finished()).isPositive();
      } finally {
        a.stop();
        b.stop();
      }
    }
  }

  private static AkproxyOperator instance(
      MockCluster cluster, String identity, ReconcileCounter counter) {
    return new AkproxyOperator(
        cluster.operatorClient,
        OperatorSettings.forNamespaces(NS).withLeaderElection(identity, LEASE),
        Clock.systemUTC(),
        counter);
  }

  private static String holder(MockCluster cluster) {
    Lease lease =
        cluster
            .testClient
            .leases()
            .inNamespace(NS)
            .withName(OperatorSettings.DEFAULT_LEASE_NAME)
            .get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }
}
