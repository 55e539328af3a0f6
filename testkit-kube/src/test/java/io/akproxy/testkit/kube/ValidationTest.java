package io.akproxy.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conflicts, immutable fields and names, refused the way a real API server refuses them. */
class ValidationTest extends ClusterTestBase {

  @Test
  void staleResourceVersionIsAConflict() {
    Deployment created =
        kube.resource(StorageTest.deployment("proxy", "example/proxy:1.0"))
            .inNamespace(NS)
            .create();
    kube.apps()
        .deployments()
        .inNamespace(NS)
        .withName("proxy")
        .edit(
            d -> {
              d.getSpec().setReplicas(3);
              return d;
            });
    created.getSpec().setReplicas(4);
    var refusal = refusal(() -> kube.resource(created).inNamespace(NS).update());
    assertThat(refusal.getCode()).isEqualTo(409);
    assertThat(refusal.getStatus().getReason()).isEqualTo("Conflict");
    assertThat(refusal.getStatus().getMessage())
        .contains("Operation cannot be fulfilled on deployments.apps \"proxy\"");
  }

  @Test
  void deploymentSelectorIsImmutable() {
    kube.resource(StorageTest.deployment("proxy", "example/proxy:1.0")).inNamespace(NS).create();
    var refusal =
        refusal(
            () ->
                kube.apps()
                    .deployments()
                    .inNamespace(NS)
                    .withName("proxy")
                    .edit(
                        d -> {
                          d.getSpec().getSelector().setMatchLabels(Map.of("app", "other"));
                          d.getSpec().getTemplate().getMetadata().setLabels(Map.of("app", "other"));
                          return d;
                        }));
    assertThat(refusal.getCode()).isEqualTo(422);
    assertThat(refusal.getStatus().getReason()).isEqualTo("Invalid");
    assertThat(refusal.getStatus().getMessage())
        .startsWith("Deployment.apps \"proxy\" is invalid: spec.selector: Invalid value:")
        .endsWith("field is immutable");
    assertThat(refusal.getStatus().getDetails().getCauses().get(0).getField())
        .isEqualTo("spec.selector");
  }

  @Test
  void clusterIpIsImmutable() {
    var created =
        kube.resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("svc")
                    .endMetadata()
                    .withNewSpec()
                    .addNewPort()
                    .withPort(80)
                    .endPort()
                    .endSpec()
                    .build())
            .inNamespace(NS)
            .create();
    created.getSpec().setClusterIP("10.96.99.99");
    created.getSpec().setClusterIPs(null);
    var refusal = refusal(() -> kube.resource(created).inNamespace(NS).update());
    assertThat(refusal.getCode()).isEqualTo(422);
    assertThat(refusal.getStatus().getMessage()).contains("may not change once set");
  }

  @Test
  void immutableConfigMapsAndSecretsStaySo() {
    kube.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("c")
                .endMetadata()
                .withData(Map.of("k", "v"))
                .withImmutable(true)
                .build())
        .inNamespace(NS)
        .create();
    var refusal =
        refusal(
            () ->
                kube.configMaps()
                    .inNamespace(NS)
                    .withName("c")
                    .edit(
                        c -> {
                          c.setData(Map.of("k", "w"));
                          return c;
                        }));
    assertThat(refusal.getCode()).isEqualTo(422);
    assertThat(refusal.getStatus().getMessage())
        .contains("data: Forbidden: field is immutable when `immutable` is set");

    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s")
                .endMetadata()
                .withStringData(Map.of("k", "v"))
                .build())
        .inNamespace(NS)
        .create();
    var typeChange =
        refusal(
            () ->
                kube.secrets()
                    .inNamespace(NS)
                    .withName("s")
                    .edit(
                        s -> {
                          s.setType("kubernetes.io/tls");
                          return s;
                        }));
    assertThat(typeChange.getCode()).isEqualTo(422);
    assertThat(typeChange.getStatus().getMessage()).contains("type: Invalid value");
  }

  @Test
  void namesFollowEachKindsRule() {
    // A Service name is a DNS-1035 label: no leading digit, no dots, at most 63 characters.
    for (String bad : new String[] {"1proxy", "a.b", "Proxy", "x".repeat(64)}) {
      var refusal =
          refusal(
              () ->
                  kube.resource(
                          new ServiceBuilder()
                              .withNewMetadata()
                              .withName(bad)
                              .endMetadata()
                              .withNewSpec()
                              .addNewPort()
                              .withPort(80)
                              .endPort()
                              .endSpec()
                              .build())
                      .inNamespace(NS)
                      .create());
      assertThat(refusal.getCode()).as(bad).isEqualTo(422);
      assertThat(refusal.getStatus().getMessage()).contains("metadata.name: Invalid value");
    }
    // A ConfigMap name is a DNS-1123 subdomain: dots and leading digits are fine.
    kube.resource(new ConfigMapBuilder().withNewMetadata().withName("1.a-b").endMetadata().build())
        .inNamespace(NS)
        .create();
    var refusal =
        refusal(
            () ->
                kube.resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("Under_score")
                            .endMetadata()
                            .build())
                    .inNamespace(NS)
                    .create());
    assertThat(refusal.getCode()).isEqualTo(422);
    var longLabel =
        refusal(
            () ->
                kube.resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("c")
                            .withLabels(Map.of("app", "x".repeat(64)))
                            .endMetadata()
                            .build())
                    .inNamespace(NS)
                    .create());
    assertThat(longLabel.getCode()).isEqualTo(422);
    assertThat(longLabel.getStatus().getMessage()).contains("metadata.labels");
  }

  @Test
  void aCustomResourcePutNeedsAResourceVersion() {
    widgets().inNamespace(NS).resource(widget("w", Map.of("size", 1))).create();
    // fabric8 fills a missing resourceVersion in itself; kubectl replace does not.
    var response =
        Http.send(
            cluster,
            "PUT",
            "/apis/example.com/v1/namespaces/" + NS + "/widgets/w",
            "application/json",
            "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},"
                + "\"spec\":{\"size\":2}}");
    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body()).contains("must be specified for an update");
  }

  @Test
  void namespacedObjectsNeedTheirNamespace() {
    var refusal =
        refusal(
            () ->
                kube.resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("c")
                            .endMetadata()
                            .build())
                    .inNamespace("missing")
                    .create());
    assertThat(refusal.getCode()).isEqualTo(404);
    assertThat(refusal.getStatus().getMessage()).contains("namespaces \"missing\" not found");
  }
}
