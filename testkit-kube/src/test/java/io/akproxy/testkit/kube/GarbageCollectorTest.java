package io.akproxy.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deleting an owner deletes what it owns, as Kubernetes' garbage collector does. */
class GarbageCollectorTest extends ClusterTestBase {

  GenericKubernetesResource owner() {
    return widgets().inNamespace(NS).resource(widget("owner", Map.of("size", 1))).create();
  }

  void ownedConfigMap(String name, GenericKubernetesResource owner) {
    kube.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("example.com/v1")
                        .withKind("Widget")
                        .withName(owner.getMetadata().getName())
                        .withUid(owner.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .build())
        .inNamespace(NS)
        .create();
  }

  @Test
  void dependentsGoWithTheirOwner() {
    GenericKubernetesResource owner = owner();
    ownedConfigMap("child", owner);
    kube.resource(
            new ConfigMapBuilder().withNewMetadata().withName("unowned").endMetadata().build())
        .inNamespace(NS)
        .create();

    widgets().inNamespace(NS).withName("owner").delete();

    await()
        .atMost(WAIT)
        .until(() -> kube.configMaps().inNamespace(NS).withName("child").get() == null);
    assertThat(kube.configMaps().inNamespace(NS).withName("unowned").get()).isNotNull();
  }

  @Test
  void aDependentWrittenAfterItsOwnerWasDeletedIsCollected() {
    GenericKubernetesResource owner = owner();
    widgets().inNamespace(NS).withName("owner").delete();
    await().atMost(WAIT).until(() -> widgets().inNamespace(NS).withName("owner").get() == null);

    // A controller that read the owner before its deletion re-creates a child afterwards.
    ownedConfigMap("late-child", owner);
    GenericKubernetesResource live = owner();
    ownedConfigMap("live-child", live);

    await()
        .atMost(WAIT)
        .until(() -> kube.configMaps().inNamespace(NS).withName("late-child").get() == null);
    assertThat(kube.configMaps().inNamespace(NS).withName("live-child").get()).isNotNull();
  }

  @Test
  void orphanPropagationKeepsDependents() {
    GenericKubernetesResource owner = owner();
    ownedConfigMap("child", owner);

    widgets()
        .inNamespace(NS)
        .withName("owner")
        .withPropagationPolicy(DeletionPropagation.ORPHAN)
        .delete();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        kube.configMaps()
                            .inNamespace(NS)
                            .withName("child")
                            .get()
                            .getMetadata()
                            .getOwnerReferences())
                    .isEmpty());
  }

  @Test
  void foregroundDeletionWaitsForDependents() {
    GenericKubernetesResource owner = owner();
    ownedConfigMap("child", owner);

    widgets()
        .inNamespace(NS)
        .withName("owner")
        .withPropagationPolicy(DeletionPropagation.FOREGROUND)
        .delete();

    await()
        .atMost(WAIT)
        .until(
            () ->
                widgets().inNamespace(NS).withName("owner").get() == null
                    && kube.configMaps().inNamespace(NS).withName("child").get() == null);
  }

  @Test
  void finalizersHoldAnObjectUntilRemoved() {
    kube.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("held")
                .withFinalizers("example.com/hold")
                .endMetadata()
                .build())
        .inNamespace(NS)
        .create();
    kube.configMaps().inNamespace(NS).withName("held").delete();
    var held = kube.configMaps().inNamespace(NS).withName("held").get();
    assertThat(held.getMetadata().getDeletionTimestamp()).isNotBlank();

    kube.configMaps()
        .inNamespace(NS)
        .withName("held")
        .edit(
            c -> {
              c.getMetadata().setFinalizers(null);
              return c;
            });
    assertThat(kube.configMaps().inNamespace(NS).withName("held").get()).isNull();
  }
}
