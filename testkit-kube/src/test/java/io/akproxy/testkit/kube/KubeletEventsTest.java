package io.akproxy.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What the node hears about its pods, as the real kubelet does: a change of the Pod object (an
 * annotation, an image changed in place) is an update that makes it sync the pod; its own status
 * writes are not. A restarted container counts in restartCount.
 */
class KubeletEventsTest extends ClusterTestBase {

  final List<String> heard = new CopyOnWriteArrayList<>();
  volatile PodHandle handle;

  @Override
  SimulatedCluster.Builder builder() {
    return super.builder()
        .kubelet(
            new Kubelet() {
              @Override
              public void podCreated(PodHandle pod) {
                pod.markRunningNotReady();
                pod.markReady();
                // Published once its own reports are written: a test that then reports too, or
                // edits the Pod, does not race them.
                handle = pod;
              }

              @Override
              public void podUpdated(PodHandle pod) {
                heard.add("updated " + pod.pod().getSpec().getContainers().get(0).getImage());
              }
            });
  }

  Pod pod() {
    return kube.pods().inNamespace(NS).list().getItems().get(0);
  }

  @Test
  void statusWritesAreNotPodUpdatesButAnnotationsAndImagesAre() {
    kube.resource(StorageTest.deployment("proxy", "example/proxy:1.0")).inNamespace(NS).create();
    await().atMost(WAIT).until(() -> handle != null);
    String name = pod().getMetadata().getName();
    handle.markRunningNotReady();
    handle.markReady();

    kube.pods()
        .inNamespace(NS)
        .withName(name)
        .edit(
            p -> {
              p.getMetadata().getAnnotations().put("akproxy.io/config-hash", "sha256:1");
              return p;
            });
    // podUpdated reads the Pod as it is when it runs: the second edit waits until the first was
    // heard, or both would be heard as 1.1.
    await().atMost(WAIT).until(() -> !heard.isEmpty());
    kube.pods()
        .inNamespace(NS)
        .withName(name)
        .edit(
            p -> {
              p.getSpec().getContainers().get(0).setImage("example/proxy:1.1");
              return p;
            });

    await().atMost(WAIT).until(() -> heard.size() >= 2);
    assertThat(heard).containsExactly("updated example/proxy:1.0", "updated example/proxy:1.1");
  }

  @Test
  void aRestartedContainerCounts() {
    kube.resource(StorageTest.deployment("proxy", "example/proxy:1.0")).inNamespace(NS).create();
    await().atMost(WAIT).until(() -> handle != null);

    handle.markCrashed(137, "Error");
    handle.markRestarted();
    handle.markReady();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(pod().getStatus().getContainerStatuses().get(0).getRestartCount())
                    .isEqualTo(1));
    assertThat(pod().getStatus().getContainerStatuses().get(0).getReady()).isTrue();
  }
}
