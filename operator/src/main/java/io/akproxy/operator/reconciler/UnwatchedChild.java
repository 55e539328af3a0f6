package io.akproxy.operator.reconciler;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.dependent.ChildDrift;
import io.akproxy.operator.dependent.ChildUpdate;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Optional;

/**
 * An optional child applied without a watch (the HorizontalPodAutoscaler, the NetworkPolicy): it is
 * read when reconciled, written only when it differs from the model, and deleted once its spec
 * field is removed. Whether one exists is read from the cluster, never from status: a stale or
 * restored status must not leave an autoscaler fighting the operator over the replica count.
 * Without a watch, an operator whose resources never use the feature needs no more than {@code get}
 * on that kind.
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
   */
  void apply(AuthentikProxy proxy, Optional<R> desired) {
    var resource =
        client
            .resources(type)
            .inNamespace(proxy.getMetadata().getNamespace())
            .withName(Names.child(proxy));
    R actual = read(resource);
    if (desired.isEmpty()) {
      // Only what this resource controls: an object of that name made by someone else stays.
      if (actual != null && controlledBy(actual, proxy)) {
        resource.delete();
      }
      return;
    }
    if (actual == null) {
      client.resource(desired.get()).create();
    } else if (!ChildDrift.matches(client.getKubernetesSerialization(), desired.get(), actual)) {
      client.resource(ChildUpdate.over(actual, desired.get())).update();
    }
  }

  private R read(io.fabric8.kubernetes.client.dsl.Resource<R> resource) {
    try {
      return resource.get();
    } catch (KubernetesClientException e) {
      // Without permission on the kind there can be no child of it that this operator made.
      if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
        return null;
      }
      throw e;
    }
  }

  static boolean controlledBy(HasMetadata child, AuthentikProxy proxy) {
    return child.getMetadata().getOwnerReferences().stream()
        .anyMatch(
            owner ->
                Boolean.TRUE.equals(owner.getController())
                    && proxy.getMetadata().getUid().equals(owner.getUid()));
  }
}
