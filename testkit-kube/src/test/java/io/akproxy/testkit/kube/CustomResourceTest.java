package io.akproxy.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CRD is served like on a real cluster: discovery, its schema's defaults and pruning. */
class CustomResourceTest extends ClusterTestBase {

  @Test
  void theCrdIsStoredEstablishedAndItsKindServed() {
    var crd =
        kube.apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").get();
    assertThat(crd.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Established");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    var resources = kube.getApiResources("example.com/v1").getResources();
    assertThat(resources)
        .anySatisfy(
            r -> {
              assertThat(r.getName()).isEqualTo("widgets");
              assertThat(r.getShortNames()).containsExactly("wdg");
              assertThat(r.getCategories()).containsExactly("gadgets");
              assertThat(r.getNamespaced()).isTrue();
            });
    assertThat(resources).anySatisfy(r -> assertThat(r.getName()).isEqualTo("widgets/status"));
  }

  @Test
  void schemaDefaultsAreFilledAndUnknownFieldsPruned() {
    GenericKubernetesResource created =
        widgets()
            .inNamespace(NS)
            .resource(widget("w", Map.of("hosts", List.of("a.example.com"), "typo", true)))
            .create();
    assertThat(created.get("spec", "size").toString()).isEqualTo("1");
    assertThat((Map<Object, Object>) created.get("spec")).doesNotContainKey("typo");

    created.setAdditionalProperty(
        "status", Map.of("observedGeneration", 1, "undeclared", "dropped"));
    GenericKubernetesResource statused = widgets().inNamespace(NS).resource(created).updateStatus();
    assertThat((Map<Object, Object>) statused.get("status")).containsKey("observedGeneration");
    assertThat((Map<Object, Object>) statused.get("status")).doesNotContainKey("undeclared");
  }

  @Test
  void customResourcesKeepZeroValues() {
    GenericKubernetesResource created =
        widgets()
            .inNamespace(NS)
            .resource(widget("w", Map.of("size", 0, "enabled", false, "hosts", List.of())))
            .create();
    assertThat(created.get("spec", "size").toString()).isEqualTo("0");
    assertThat(created.get("spec", "enabled").toString()).isEqualTo("false");
    assertThat((List<?>) created.get("spec", "hosts")).isEmpty();
  }

  @Test
  void theProjectsOwnCrdLoadsWithItsShortName() throws Exception {
    Path crd = Path.of("..", "crds", "authentikproxies.akproxy.io-v1.yml");
    try (InputStream in = Files.newInputStream(crd)) {
      cluster.createCrd(in);
    }
    assertThat(kube.getApiResources("akproxy.io/v1alpha1").getResources())
        .anySatisfy(
            r -> {
              assertThat(r.getKind()).isEqualTo("AuthentikProxy");
              assertThat(r.getShortNames()).contains("akp");
            });
  }

  @Test
  void deletingTheCrdDeletesItsObjectsAndStopsServingItsKind() {
    widgets().inNamespace(NS).resource(widget("w", Map.of())).create();
    kube.apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").delete();
    String widgetsPath = "/apis/example.com/v1/namespaces/" + NS + "/widgets";
    assertThat(Http.get(cluster, widgetsPath, "application/json").statusCode()).isEqualTo(404);

    try (InputStream in = getClass().getClassLoader().getResourceAsStream("widgets-crd.yaml")) {
      cluster.createCrd(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(widgets().inNamespace(NS).list().getItems()).isEmpty();
  }
}
