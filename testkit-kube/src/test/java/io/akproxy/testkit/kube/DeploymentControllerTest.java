package io.akproxy.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.testkit.time.ManualClock;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Deployment controller: pods for the template, rollouts in steps, status as it goes. */
class DeploymentControllerTest extends ClusterTestBase {

  final ManualClock clock = ManualClock.startingNow();

  @Override
  SimulatedCluster.Builder builder() {
    return super.builder()
        .scheduler(clock)
        .kubelet(Kubelet.imageNeverPulls(image -> image.endsWith(":missing")));
  }

  Deployment create(int replicas, String image) {
    Deployment deployment = StorageTest.deployment("proxy", image);
    deployment.getSpec().setReplicas(replicas);
    return kube.resource(deployment).inNamespace(NS).create();
  }

  Deployment get() {
    return kube.apps().deployments().inNamespace(NS).withName("proxy").get();
  }

  List<Pod> pods() {
    return kube.pods().inNamespace(NS).withLabel("app", "proxy").list().getItems();
  }

  static DeploymentCondition condition(Deployment deployment, String type) {
    return deployment.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  void setImage(String image) {
    kube.apps()
        .deployments()
        .inNamespace(NS)
        .withName("proxy")
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
              return d;
            });
  }

  void awaitComplete(int replicas) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Deployment d = get();
              assertThat(d.getStatus()).isNotNull();
              assertThat(d.getStatus().getObservedGeneration())
                  .isEqualTo(d.getMetadata().getGeneration());
              assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(replicas);
              assertThat(d.getStatus().getReadyReplicas()).isEqualTo(replicas);
              assertThat(condition(d, "Progressing").getReason())
                  .isEqualTo("NewReplicaSetAvailable");
            });
  }

  @Test
  void podsAreCreatedForTheTemplateAndBecomeReady() {
    Deployment created = create(2, "example/proxy:1.0");
    awaitComplete(2);

    List<Pod> pods = pods();
    assertThat(pods).hasSize(2);
    String hash = pods.get(0).getMetadata().getLabels().get("pod-template-hash");
    assertThat(hash).hasSize(10);
    Set<String> ips = pods.stream().map(p -> p.getStatus().getPodIP()).collect(Collectors.toSet());
    assertThat(ips).hasSize(2).allMatch(ip -> ip.matches("127\\.\\d+\\.\\d+\\.\\d+"));
    for (Pod pod : pods) {
      assertThat(pod.getMetadata().getName()).startsWith("proxy-" + hash + "-");
      assertThat(pod.getMetadata().getOwnerReferences().get(0).getUid())
          .isEqualTo(created.getMetadata().getUid());
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      assertThat(pod.getSpec().getEnableServiceLinks()).isFalse();
    }
    Deployment deployment = get();
    assertThat(deployment.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(condition(deployment, "Available").getStatus()).isEqualTo("True");
    assertThat(cluster.deployments().statusWrites()).isPositive();
  }

  @Test
  void aTemplateChangeRollsThePodsAndBumpsTheRevision() {
    create(2, "example/proxy:1.0");
    awaitComplete(2);
    Set<String> before = names(pods());

    setImage("example/proxy:2.0");
    awaitComplete(2);

    assertThat(names(pods())).hasSize(2).doesNotContainAnyElementsOf(before);
    assertThat(pods())
        .allSatisfy(
            p -> assertThat(p.getSpec().getContainers().get(0).getImage()).endsWith(":2.0"));
    assertThat(get().getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "2");
  }

  @Test
  void aPausedControllerLeavesObservedGenerationBehind() {
    create(1, "example/proxy:1.0");
    awaitComplete(1);
    cluster.deployments().pause();
    setImage("example/proxy:2.0");
    Deployment behind = get();
    assertThat(behind.getStatus().getObservedGeneration())
        .isLessThan(behind.getMetadata().getGeneration());

    cluster.deployments().resume();
    awaitComplete(1);
  }

  @Test
  void aRolloutThatCannotProgressShowsItsIntermediateStateThenExceedsItsDeadline() {
    create(2, "example/proxy:1.0");
    awaitComplete(2);

    setImage("example/proxy:missing");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Deployment d = get();
              assertThat(d.getStatus().getObservedGeneration())
                  .isEqualTo(d.getMetadata().getGeneration());
              assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(1);
              assertThat(d.getStatus().getReplicas()).isEqualTo(3);
              assertThat(condition(d, "Progressing").getReason()).isEqualTo("ReplicaSetUpdated");
            });
    // The old pods keep serving: maxUnavailable 25% of 2 rounds down to 0.
    assertThat(get().getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(condition(get(), "Available").getStatus()).isEqualTo("True");

    clock.advance(Duration.ofSeconds(601));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              DeploymentCondition progressing = condition(get(), "Progressing");
              assertThat(progressing.getStatus()).isEqualTo("False");
              assertThat(progressing.getReason()).isEqualTo("ProgressDeadlineExceeded");
            });
    Pod stuck =
        pods().stream()
            .filter(p -> p.getSpec().getContainers().get(0).getImage().endsWith(":missing"))
            .findFirst()
            .orElseThrow();
    assertThat(stuck.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(stuck.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())
        .isEqualTo("ImagePullBackOff");
  }

  @Test
  void statusWritesBumpTheResourceVersionLikeTheRealController() {
    Deployment created = create(1, "example/proxy:1.0");
    awaitComplete(1);
    assertThat(Long.parseLong(get().getMetadata().getResourceVersion()))
        .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));
    assertThat(cluster.deployments().statusWrites()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void scalingToZeroRemovesThePods() {
    create(2, "example/proxy:1.0");
    awaitComplete(2);
    kube.apps()
        .deployments()
        .inNamespace(NS)
        .withName("proxy")
        .edit(
            d -> {
              d.getSpec().setReplicas(0);
              return d;
            });
    await().atMost(WAIT).until(() -> pods().isEmpty());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(condition(get(), "Progressing").getReason())
                    .isEqualTo("NewReplicaSetAvailable"));
  }

  @Test
  void deletingTheDeploymentDeletesItsPods() {
    create(2, "example/proxy:1.0");
    awaitComplete(2);
    kube.apps().deployments().inNamespace(NS).withName("proxy").delete();
    await().atMost(WAIT).until(() -> pods().isEmpty());
  }

  static Set<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }
}
