package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an operations team meets: API errors, lost watches, deleted children, restarts. */
class FaultToleranceTest extends OperatorTestBase {

  @Test
  void conflictsAndServerErrorsOnWritesAreRetriedUntilTheChildrenExist() {
    cluster.faults().failNext(2, "POST", "/deployments", 409);
    createSecretServiceAndProxy();
    awaitChild(Deployment.class);
    assertThat(cluster.faults().injected()).isEqualTo(2);

    cluster.faults().failNext(2, "PUT", "/configmaps/" + CHILD, 500);
    editProxy(p -> p.getSpec().trustedProxyCIDRs = List.of("192.168.0.0/16"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(awaitChild(ConfigMap.class).getData().get(Names.CONFIG_KEY))
                    .contains("192.168.0.0/16"));
    assertThat(cluster.faults().injected()).isEqualTo(4);
  }

  @Test
  void deletedChildrenAreRecreated() {
    createSecretServiceAndProxy();
    String configMapUid = awaitChild(ConfigMap.class).getMetadata().getUid();
    String deploymentUid = awaitChild(Deployment.class).getMetadata().getUid();
    String serviceUid = awaitChild(Service.class).getMetadata().getUid();

    kube.configMaps().inNamespace(NS).withName(CHILD).delete();
    kube.apps().deployments().inNamespace(NS).withName(CHILD).delete();
    kube.services().inNamespace(NS).withName(CHILD).delete();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(uid(ConfigMap.class)).isNotNull().isNotEqualTo(configMapUid);
              assertThat(uid(Deployment.class)).isNotNull().isNotEqualTo(deploymentUid);
              assertThat(uid(Service.class)).isNotNull().isNotEqualTo(serviceUid);
            });
  }

  @Test
  void aRestartedOperatorAdoptsTheChildrenWithoutWritingAnything() {
    createSecretServiceAndProxy();
    awaitReady();
    reconciles.awaitQuiet();
    operator.stop();
    drainWrites();

    ReconcileCounter restarted = new ReconcileCounter();
    restarted.watchRequests(cluster.requests(), io.akproxy.operator.Simulation.OPERATOR_AGENT);
    operator =
        new AkproxyOperator(
            io.akproxy.operator.Simulation.operatorClient(cluster),
            OperatorSettings.forNamespaces(NS),
            Clock.systemUTC(),
            restarted);
    operator.start();
    await().atMost(WAIT).until(() -> restarted.finished() > 0);
    restarted.awaitQuiet();
    assertThat(restarted.failed()).as("failed reconciles of the restarted operator").isZero();
    assertThat(operatorWrites()).as("writes of the restarted operator").isEmpty();
  }

  @Test
  void droppedWatchesReconnectAndChangesAreStillSeen() {
    createSecretServiceAndProxy();
    awaitChild(ConfigMap.class);

    cluster.restart();
    editProxy(p -> p.getSpec().path = "/authentik/");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(awaitChild(ConfigMap.class).getData().get(Names.CONFIG_KEY))
                    .contains("\"/authentik/\""));
  }

  @Test
  void aSecretThatStaysMissingIsReportedNotHotLooped() {
    kube.resource(io.akproxy.operator.TestResources.authentikService(NS)).create();
    kube.resource(io.akproxy.operator.TestResources.proxy(NS, NAME)).create();
    awaitCondition(ConditionType.TLS_READY, "False", "SecretNotFound");
    reconciles.awaitQuiet();
    int settled = reconciles.started();
    // Nothing changes, so nothing is reconciled, successfully or not: the Secret's watch brings
    // the fix. A reconcile that threw and was retried would count as started here.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .until(() -> reconciles.started() == settled);
    assertThat(reconciles.failed()).as("failed reconciles").isZero();
  }

  private String uid(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> type) {
    var child = kube.resources(type).inNamespace(NS).withName(CHILD).get();
    return child == null ? null : child.getMetadata().getUid();
  }
}
