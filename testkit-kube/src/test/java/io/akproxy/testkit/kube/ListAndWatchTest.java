package io.akproxy.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Lists page and carry a resourceVersion; watches resume from one; a restart makes them too old.
 */
class ListAndWatchTest extends ClusterTestBase {

  void createConfigMaps(int count) {
    for (int i = 0; i < count; i++) {
      kube.resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName(String.format("cm-%02d", i))
                  .withLabels(Map.of("parity", i % 2 == 0 ? "even" : "odd"))
                  .endMetadata()
                  .build())
          .inNamespace(NS)
          .create();
    }
  }

  @Test
  void listsPageWithLimitAndContinue() {
    createConfigMaps(7);
    var first =
        kube.configMaps().inNamespace(NS).list(new ListOptionsBuilder().withLimit(3L).build());
    assertThat(first.getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("cm-00", "cm-01", "cm-02");
    assertThat(first.getMetadata().getResourceVersion()).isNotBlank();
    assertThat(first.getMetadata().getContinue()).isNotBlank();
    assertThat(first.getMetadata().getRemainingItemCount()).isEqualTo(4L);

    List<String> all = new ArrayList<>();
    String token = null;
    do {
      var page =
          kube.configMaps()
              .inNamespace(NS)
              .list(new ListOptionsBuilder().withLimit(3L).withContinue(token).build());
      page.getItems().forEach(c -> all.add(c.getMetadata().getName()));
      token = page.getMetadata().getContinue();
    } while (token != null && !token.isEmpty());
    assertThat(all).hasSize(7).doesNotHaveDuplicates();
  }

  @Test
  void selectorsFilterLists() {
    createConfigMaps(4);
    assertThat(kube.configMaps().inNamespace(NS).withLabel("parity", "odd").list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("cm-01", "cm-03");
    assertThat(
            kube.configMaps()
                .inNamespace(NS)
                .withLabelIn("parity", "even", "other")
                .list()
                .getItems())
        .hasSize(2);
    assertThat(
            kube.configMaps().inNamespace(NS).withField("metadata.name", "cm-02").list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("cm-02");
  }

  @Test
  void aWatchFromAResourceVersionSeesWhatHappenedSince() {
    createConfigMaps(1);
    String version = kube.configMaps().inNamespace(NS).list().getMetadata().getResourceVersion();
    kube.configMaps()
        .inNamespace(NS)
        .withName("cm-00")
        .edit(c -> new ConfigMapBuilder(c).withData(Map.of("k", "v")).build());
    List<String> events = new CopyOnWriteArrayList<>();
    try (var watch =
        kube.configMaps()
            .inNamespace(NS)
            .watch(
                new ListOptionsBuilder().withResourceVersion(version).build(),
                recorder(events, new AtomicReference<>()))) {
      await().atMost(WAIT).until(() -> events.contains("MODIFIED cm-00"));
      assertThat(events).doesNotContain("ADDED cm-00");
    }
  }

  @Test
  void aLabelWatchSeesAnObjectLeaveItsSelectorAsDeleted() {
    createConfigMaps(1);
    List<String> events = new CopyOnWriteArrayList<>();
    try (var watch =
        kube.configMaps()
            .inNamespace(NS)
            .withLabel("parity", "even")
            .watch(recorder(events, new AtomicReference<>()))) {
      await().atMost(WAIT).until(() -> events.contains("ADDED cm-00"));
      kube.configMaps()
          .inNamespace(NS)
          .withName("cm-00")
          .edit(
              c -> {
                c.getMetadata().getLabels().put("parity", "odd");
                return c;
              });
      await().atMost(WAIT).until(() -> events.contains("DELETED cm-00"));
    }
  }

  @Test
  void afterARestartOldResourceVersionsAreGone() {
    createConfigMaps(3);
    var page =
        kube.configMaps().inNamespace(NS).list(new ListOptionsBuilder().withLimit(1L).build());
    String version = page.getMetadata().getResourceVersion();

    cluster.restart();

    // The objects survive; a continue token and a watch from before the restart do not.
    assertThat(kube.configMaps().inNamespace(NS).list().getItems()).hasSize(3);
    var expired =
        refusal(
            () ->
                kube.configMaps()
                    .inNamespace(NS)
                    .list(
                        new ListOptionsBuilder()
                            .withLimit(1L)
                            .withContinue(page.getMetadata().getContinue())
                            .build()));
    assertThat(expired.getCode()).isEqualTo(410);

    AtomicReference<WatcherException> closed = new AtomicReference<>();
    try (var watch =
        kube.configMaps()
            .inNamespace(NS)
            .watch(
                new ListOptionsBuilder().withResourceVersion(version).build(),
                recorder(new CopyOnWriteArrayList<>(), closed))) {
      await().atMost(WAIT).until(() -> closed.get() != null);
      assertThat(closed.get().isHttpGone()).isTrue();
    }
  }

  @Test
  void anInformerRecoversFromARestart() {
    createConfigMaps(1);
    List<String> seen = new CopyOnWriteArrayList<>();
    SharedIndexInformer<ConfigMap> informer =
        kube.configMaps()
            .inNamespace(NS)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(ConfigMap obj) {
                    seen.add("add " + obj.getMetadata().getName());
                  }

                  @Override
                  public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                    seen.add("update " + newObj.getMetadata().getName());
                  }

                  @Override
                  public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                    seen.add("delete " + obj.getMetadata().getName());
                  }
                });
    try {
      await().atMost(WAIT).until(() -> seen.contains("add cm-00"));
      cluster.restart();
      kube.resource(
              new ConfigMapBuilder().withNewMetadata().withName("after").endMetadata().build())
          .inNamespace(NS)
          .create();
      await().atMost(WAIT).until(() -> seen.contains("add after"));
    } finally {
      informer.close();
    }
  }

  static Watcher<ConfigMap> recorder(
      List<String> events, AtomicReference<WatcherException> closed) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        events.add(action + " " + resource.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {
        closed.set(cause);
      }
    };
  }
}
