package io.akproxy.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status subresource and metadata.generation, for a built-in kind and the custom resource. */
class StatusAndGenerationTest extends ClusterTestBase {

  /**
   * The Deployment controller is paused: these tests write the Deployment with the resourceVersion
   * they read, which its status writes would otherwise make stale (a 409, as on a cluster).
   */
  Deployment createDeployment() {
    cluster.deployments().pause();
    return kube.resource(StorageTest.deployment("proxy", "example/proxy:1.0"))
        .inNamespace(NS)
        .create();
  }

  @Test
  void deploymentStatusIsASubresource() {
    Deployment created = createDeployment();
    created.setStatus(
        new DeploymentStatusBuilder().withReplicas(3).withObservedGeneration(1L).build());
    Deployment afterMainPut = kube.resource(created).inNamespace(NS).update();
    assertThat(afterMainPut.getStatus() == null || afterMainPut.getStatus().getReplicas() == null)
        .as("a PUT of the main resource does not change status: %s", afterMainPut.getStatus())
        .isTrue();

    afterMainPut.setStatus(
        new DeploymentStatusBuilder().withReplicas(3).withObservedGeneration(1L).build());
    afterMainPut.getSpec().setReplicas(5);
    Deployment afterStatusPut = kube.resource(afterMainPut).inNamespace(NS).updateStatus();
    assertThat(afterStatusPut.getStatus().getReplicas()).isEqualTo(3);
    assertThat(afterStatusPut.getSpec().getReplicas())
        .as("a write to /status changes only status")
        .isEqualTo(1);
  }

  @Test
  void generationBumpsOnlyOnSpecChanges() {
    Deployment created = createDeployment();
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);

    Deployment labelled =
        kube.apps()
            .deployments()
            .inNamespace(NS)
            .withName("proxy")
            .edit(
                d -> {
                  d.getMetadata().getLabels().put("extra", "label");
                  d.getMetadata().setAnnotations(Map.of("note", "x"));
                  return d;
                });
    assertThat(labelled.getMetadata().getGeneration()).isEqualTo(1L);

    labelled.setStatus(new DeploymentStatusBuilder().withReplicas(1).build());
    Deployment statused = kube.resource(labelled).inNamespace(NS).updateStatus();
    assertThat(statused.getMetadata().getGeneration()).isEqualTo(1L);

    Deployment scaled =
        kube.apps()
            .deployments()
            .inNamespace(NS)
            .withName("proxy")
            .edit(
                d -> {
                  d.getSpec().setReplicas(2);
                  return d;
                });
    assertThat(scaled.getMetadata().getGeneration()).isEqualTo(2L);
  }

  @Test
  void aWriteThatChangesNothingIsNotAWrite() {
    Deployment created = createDeployment();
    long before = cluster.resourceVersion();
    Deployment same = kube.resource(created).inNamespace(NS).update();
    assertThat(same.getMetadata().getResourceVersion())
        .isEqualTo(created.getMetadata().getResourceVersion());
    assertThat(cluster.resourceVersion()).isEqualTo(before);
  }

  @Test
  void customResourceStatusIsASubresourceToo() {
    GenericKubernetesResource sent = widget("w", Map.of("size", 2));
    sent.setAdditionalProperty("status", Map.of("observedGeneration", 7));
    GenericKubernetesResource created = widgets().inNamespace(NS).resource(sent).create();
    assertThat(created.getAdditionalProperties()).doesNotContainKey("status");
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);

    created.setAdditionalProperty(
        "status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True"))));
    created.setAdditionalProperty("spec", Map.of("size", 9));
    GenericKubernetesResource statused = widgets().inNamespace(NS).resource(created).updateStatus();
    assertThat(statused.get("spec", "size").toString()).isEqualTo("2");
    assertThat(statused.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(statused.getAdditionalProperties()).containsKey("status");

    statused.setAdditionalProperty("spec", Map.of("size", 3));
    statused.setAdditionalProperty("status", Map.of());
    GenericKubernetesResource specChanged = widgets().inNamespace(NS).resource(statused).update();
    assertThat(specChanged.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(specChanged.getAdditionalProperties().get("status").toString()).contains("Ready");
  }

  @Test
  void mergePatchOfStatusChangesOnlyStatus() {
    widgets().inNamespace(NS).resource(widget("w", Map.of("size", 2))).create();
    GenericKubernetesResource patched =
        widgets()
            .inNamespace(NS)
            .withName("w")
            .subresource("status")
            .patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"spec\":{\"size\":5},\"status\":{\"observedGeneration\":1}}");
    assertThat(patched.get("spec", "size").toString()).isEqualTo("2");
    assertThat(patched.get("status", "observedGeneration").toString()).isEqualTo("1");
  }
}
