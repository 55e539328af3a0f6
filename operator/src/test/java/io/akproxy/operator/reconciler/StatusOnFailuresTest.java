package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.testkit.kube.SimulatedCluster;
import io.akproxy.testkit.time.ManualClock;
import io.fabric8.kubernetes.api.model.Condition;
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
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              AuthentikProxy proxy = get();
              Condition available = condition(proxy, ConditionType.AVAILABLE);
              assertThat(available.getStatus()).isEqualTo("False");
              assertThat(available.getReason()).isEqualTo("RolloutInProgress");
              assertThat(available.getMessage()).contains("ImagePullBackOff");
              assertThat(condition(proxy, ConditionType.READY).getReason())
                  .isEqualTo("RolloutInProgress");
              assertThat(condition(proxy, ConditionType.RECONCILING).getStatus()).isEqualTo("True");
              assertThat(condition(proxy, ConditionType.STALLED).getStatus()).isEqualTo("False");
            });

    // The Deployment's progress deadline (600 s by default) passes without progress.
    clusterClock.advance(Duration.ofSeconds(601));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              AuthentikProxy proxy = get();
              Condition available = condition(proxy, ConditionType.AVAILABLE);
              assertThat(available.getStatus()).isEqualTo("False");
              assertThat(available.getReason()).isEqualTo("RolloutStuck");
              assertThat(available.getMessage())
                  .contains("timed out progressing")
                  .contains("ImagePullBackOff");
              Condition ready = condition(proxy, ConditionType.READY);
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("RolloutStuck");
              Condition stalled = condition(proxy, ConditionType.STALLED);
              assertThat(stalled.getStatus()).isEqualTo("True");
              assertThat(stalled.getReason()).isEqualTo("RolloutStuck");
              assertThat(condition(proxy, ConditionType.RECONCILING).getStatus())
                  .isEqualTo("False");
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
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              AuthentikProxy proxy = get();
              Condition ready = condition(proxy, ConditionType.READY);
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("ApplyFailed");
              assertThat(ready.getMessage())
                  .contains("configmaps " + CHILD)
                  .contains("HTTP 403")
                  .contains("injected by the test");
              Condition stalled = condition(proxy, ConditionType.STALLED);
              assertThat(stalled.getStatus()).isEqualTo("True");
              assertThat(stalled.getReason()).isEqualTo("ApplyFailed");
            });
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventReasons()).contains("ApplyFailed"));

    cluster.faults().clear();
    nudgeAndCollectWrites(); // the next retry may be seconds away: an event brings it now
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              AuthentikProxy proxy = get();
              assertThat(condition(proxy, ConditionType.READY).getStatus()).isEqualTo("True");
              assertThat(condition(proxy, ConditionType.STALLED).getStatus()).isEqualTo("False");
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
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Condition ready = condition(get(), ConditionType.READY);
              assertThat(ready.getReason()).isEqualTo("ApplyFailed");
              assertThat(ready.getMessage())
                  .contains("HTTP 409")
                  .contains("configmaps \"" + CHILD + "\" already exists")
                  .contains("does not control");
            });
    assertThat(kube.configMaps().inNamespace(NS).withName(CHILD).get().getData().get("owner"))
        .as("never overwritten")
        .isEqualTo("someone else");
  }
}
