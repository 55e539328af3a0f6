package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.model.ConditionType;
import io.akproxy.testkit.kube.SimulatedCluster;
import io.akproxy.testkit.time.ManualClock;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What GitOps tools gate promotions on: a rollout that never finishes and a write the API server
 * refuses reach status (Ready=False, kstatus' Stalled=True), not only the operator's log.
 */
class StatusOnFailuresTest extends OperatorTestBase {

  static final String BAD_IMAGE = "ghcr.io/akproxy/akproxy-runtime:does-not-exist";

  /** The simulated Deployment controller's clock: its progress deadline passes when we say so. */
  final ManualClock clusterClock = ManualClock.startingNow();

  @Override
  SimulatedCluster.Builder clusterBuilder() {
    return SimulatedCluster.builder().scheduler(clusterClock);
  }

  @Test
  void aRolloutWhoseNewPodsNeverBecomeReadyIsInProgressThenStuckAndStalled() {
    createSecretServiceAndProxy();
    awaitReady();
    kubelet.neverPulls(BAD_IMAGE::equals);

    editProxy(p -> p.getSpec().image = BAD_IMAGE);
    awaitStatus(
        proxy -> {
          assertThat(
                  assertCondition(proxy, ConditionType.AVAILABLE, "False", "RolloutInProgress")
                      .getMessage())
              .contains("ImagePullBackOff");
          assertCondition(proxy, ConditionType.READY, "False", "RolloutInProgress");
          assertCondition(proxy, ConditionType.RECONCILING, "True", "RolloutInProgress");
          assertCondition(proxy, ConditionType.STALLED, "False", "NotStalled");
        });

    // The Deployment's progress deadline (600 s by default) passes without progress.
    clusterClock.advance(Duration.ofSeconds(601));
    awaitStatus(
        proxy -> {
          assertThat(
                  assertCondition(proxy, ConditionType.AVAILABLE, "False", "RolloutStuck")
                      .getMessage())
              .contains("timed out progressing")
              .contains("ImagePullBackOff");
          assertCondition(proxy, ConditionType.READY, "False", "RolloutStuck");
          assertCondition(proxy, ConditionType.STALLED, "True", "RolloutStuck");
          assertCondition(proxy, ConditionType.RECONCILING, "False", "Reconciled");
        });
    assertThat(awaitChild(Deployment.class).getStatus().getAvailableReplicas())
        .as("the old pods still serve: the Deployment alone would look healthy")
        .isEqualTo(2);
  }

  @Test
  void aWriteTheApiServerRefusesFailsReadyWithItsMessageUntilItIsAccepted() {
    createSecretServiceAndProxy();
    awaitReady();
    cluster.faults().failNext(Integer.MAX_VALUE, "PUT", "/configmaps/" + CHILD, 403);

    editProxy(p -> p.getSpec().trustedProxyCIDRs = List.of("192.168.0.0/16"));
    awaitStatus(
        proxy -> {
          assertThat(
                  assertCondition(proxy, ConditionType.READY, "False", "ApplyFailed").getMessage())
              .contains("configmaps " + CHILD)
              .contains("HTTP 403")
              .contains("injected by the test");
          assertCondition(proxy, ConditionType.STALLED, "True", "ApplyFailed");
        });
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventReasons()).contains("ApplyFailed"));

    cluster.faults().clear();
    nudgeAndCollectWrites(); // the next retry may be seconds away: an event brings it now
    awaitStatus(
        proxy -> {
          assertCondition(proxy, ConditionType.READY, "True", "Ready");
          assertCondition(proxy, ConditionType.STALLED, "False", "NotStalled");
        });
  }

  @Test
  void aChildNameTakenByAForeignObjectIsReportedAsApplyFailed() {
    kube.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(CHILD)
                .withNamespace(NS)
                .endMetadata()
                .withData(Map.of("owner", "someone else"))
                .build())
        .create();
    createSecretServiceAndProxy();
    assertThat(awaitCondition(ConditionType.READY, "False", "ApplyFailed").getMessage())
        .contains("HTTP 409")
        .contains("configmaps \"" + CHILD + "\" already exists")
        .contains("does not control");
    assertThat(kube.configMaps().inNamespace(NS).withName(CHILD).get().getData().get("owner"))
        .as("never overwritten")
        .isEqualTo("someone else");
  }
}
