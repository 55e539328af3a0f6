package io.akproxy.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Set;

/**
 * The informer cache of the watched namespaces' Secrets, keeping data only for the types an
 * AuthentikProxy can use: {@code kubernetes.io/tls} (the TLS Secret, a cert-manager CA) and {@code
 * Opaque} (a CA bundle). Helm releases, service-account tokens, registry credentials and the like
 * keep their metadata and type (enough to report a wrong type) but none of their contents: less
 * memory, and no secret material the operator has no use for.
 */
final class SecretStore extends BasicItemStore<Secret> {

  static final Set<String> TYPES_WITH_DATA = Set.of("kubernetes.io/tls", "Opaque");

  SecretStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public Secret put(String key, Secret secret) {
    return super.put(key, keepsData(secret) ? secret : withoutData(secret));
  }

  static boolean keepsData(Secret secret) {
    return secret.getType() == null || TYPES_WITH_DATA.contains(secret.getType());
  }

  static Secret withoutData(Secret secret) {
    return new SecretBuilder()
        .withMetadata(secret.getMetadata())
        .withType(secret.getType())
        .withImmutable(secret.getImmutable())
        .build();
  }
}
