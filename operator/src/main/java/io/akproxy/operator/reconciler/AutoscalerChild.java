package io.akproxy.operator.reconciler;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.dependent.ChildDrift;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * The HorizontalPodAutoscaler child, applied without a watch: it is read when reconciled, written
 * only when it differs from the model, and deleted once spec.autoscaling is removed
 * (status.autoscaler says one exists). Without a watch, an operator that never autoscales needs no
 * permission on autoscalers at all.
 */
final class AutoscalerChild {

  private final KubernetesClient client;

  AutoscalerChild(KubernetesClient client) {
    this.client = client;
  }

  void apply(AuthentikProxy proxy, Optional<HorizontalPodAutoscaler> desired) {
    String namespace = proxy.getMetadata().getNamespace();
    var existing =
        client
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(namespace)
            .withName(Names.child(proxy));
    if (desired.isEmpty()) {
      boolean hadOne = proxy.getStatus() != null && proxy.getStatus().autoscaler != null;
      if (hadOne) {
        existing.delete();
      }
      return;
    }
    HorizontalPodAutoscaler actual = existing.get();
    if (actual == null) {
      client.resource(desired.get()).create();
    } else if (!ChildDrift.matches(client.getKubernetesSerialization(), desired.get(), actual)) {
      HorizontalPodAutoscaler update = desired.get();
      update.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
      client.resource(update).update();
    }
  }
}
