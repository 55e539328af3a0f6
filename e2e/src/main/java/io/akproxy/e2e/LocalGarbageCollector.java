package io.akproxy.e2e;

import io.akproxy.operator.api.AuthentikProxy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Plays Kubernetes' garbage collector, which the mock API server lacks: an object whose owner
 * reference names an AuthentikProxy that no longer exists is deleted, as a real cluster does after
 * {@code kubectl delete akp}.
 */
final class LocalGarbageCollector implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "local-garbage-collector");
            thread.setDaemon(true);
            return thread;
          });

  LocalGarbageCollector(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  LocalGarbageCollector start(Duration period) {
    loop.scheduleWithFixedDelay(
        this::collectQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void collectQuietly() {
    try {
      collect();
    } catch (RuntimeException e) {
      // The next round tries again.
    }
  }

  void collect() {
    Set<String> owners =
        client.resources(AuthentikProxy.class).inNamespace(namespace).list().getItems().stream()
            .map(p -> p.getMetadata().getUid())
            .collect(Collectors.toSet());
    Stream.of(
            client.configMaps().inNamespace(namespace).list().getItems(),
            client.secrets().inNamespace(namespace).list().getItems(),
            client.apps().deployments().inNamespace(namespace).list().getItems(),
            client.services().inNamespace(namespace).list().getItems(),
            client.serviceAccounts().inNamespace(namespace).list().getItems(),
            client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems())
        .flatMap(List::stream)
        .filter(child -> isOrphan(child, owners))
        .forEach(child -> client.resource(child).delete());
  }

  private static boolean isOrphan(HasMetadata child, Set<String> owners) {
    List<OwnerReference> references = child.getMetadata().getOwnerReferences();
    return references != null
        && !references.isEmpty()
        && references.stream()
            .filter(r -> "AuthentikProxy".equals(r.getKind()))
            .allMatch(r -> !owners.contains(r.getUid()))
        && references.stream().anyMatch(r -> "AuthentikProxy".equals(r.getKind()));
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
