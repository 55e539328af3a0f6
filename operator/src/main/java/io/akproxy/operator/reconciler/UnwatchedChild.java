package io.akproxy.operator.reconciler;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.dependent.ChildDrift;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * An optional child applied without a watch (the HorizontalPodAutoscaler, the NetworkPolicy): it is
 * read when reconciled, written only when it differs from the model, and deleted once its spec
 * field is removed (the status field names it while it exists). Without a watch, an operator whose
 * resources never use the feature needs no permission on that kind at all.
 */
final class UnwatchedChild<R extends HasMetadata> {

  private final KubernetesClient client;
  private final Class<R> type;

  UnwatchedChild(KubernetesClient client, Class<R> type) {
    this.client = client;
    this.type = type;
  }

  /**
   * @param desired the child the model wants, or empty for none
   * @param exists whether status says one was created
   */
  void apply(AuthentikProxy proxy, Optional<R> desired, boolean exists) {
    var resource =
        client
            .resources(type)
            .inNamespace(proxy.getMetadata().getNamespace())
            .withName(Names.child(proxy));
    if (desired.isEmpty()) {
      if (exists) {
        resource.delete();
      }
      return;
    }
    R actual = resource.get();
    if (actual == null) {
      client.resource(desired.get()).create();
    } else if (!ChildDrift.matches(client.getKubernetesSerialization(), desired.get(), actual)) {
      R update = desired.get();
      update.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
      client.resource(update).update();
    }
  }
}
