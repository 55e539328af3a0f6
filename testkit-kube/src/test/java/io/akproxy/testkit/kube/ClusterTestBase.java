package io.akproxy.testkit.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh simulated cluster per test, with the test CRD and a namespace. */
abstract class ClusterTestBase {

  static final String NS = "authentik";
  static final Duration WAIT = Duration.ofSeconds(20);

  SimulatedCluster cluster;
  KubernetesClient kube;

  @BeforeEach
  void startCluster() {
    cluster = builder().start();
    kube = cluster.client();
  }

  SimulatedCluster.Builder builder() {
    return SimulatedCluster.builder().crdResource("widgets-crd.yaml").namespace(NS);
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      widgets() {
    return kube.genericKubernetesResources("example.com/v1", "Widget");
  }

  static GenericKubernetesResource widget(String name, Map<String, Object> spec) {
    GenericKubernetesResource widget = new GenericKubernetesResource();
    widget.setApiVersion("example.com/v1");
    widget.setKind("Widget");
    widget.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NS)
            .build());
    widget.setAdditionalProperty("spec", spec);
    return widget;
  }

  /** The HTTP status of the refusal {@code call} gets from the server. */
  static KubernetesClientException refusal(Runnable call) {
    try {
      call.run();
    } catch (KubernetesClientException e) {
      return e;
    }
    throw new AssertionError("the server accepted the request");
  }
}
