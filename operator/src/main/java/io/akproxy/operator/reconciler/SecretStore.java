package io.akproxy.operator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The informer cache of the watched namespaces' Secrets. It keeps whole (less managedFields and
 * kubectl's last-applied annotation, which repeats a whole Secret) only the Secrets an
 * AuthentikProxy refers to; of every other Secret (Helm releases, tokens, other applications' TLS
 * and Opaque Secrets) only a stub with its identity and type, enough for the informer to tell
 * changes apart and for nothing to be mapped to a resource. A Secret that becomes referenced while
 * stubbed is fetched once ({@link #remember}). Less memory, and no secret material the operator has
 * no use for.
 */
final class SecretStore implements ItemStore<Secret> {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final Set<String> stubs = ConcurrentHashMap.newKeySet();
  private final Predicate<String> referenced;

  /**
   * @param referenced whether an AuthentikProxy refers to the Secret of this key ({@code
   *     namespace/name})
   */
  SecretStore(Predicate<String> referenced) {
    this.referenced = referenced;
  }

  @Override
  public String getKey(Secret secret) {
    return Cache.metaNamespaceKeyFunc(secret);
  }

  @Override
  public Secret put(String key, Secret secret) {
    if (referenced.test(key)) {
      stubs.remove(key);
      return secrets.put(key, lean(secret));
    }
    stubs.add(key);
    return secrets.put(key, stub(secret));
  }

  @Override
  public Secret remove(String key) {
    stubs.remove(key);
    return secrets.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return secrets.keySet().stream();
  }

  @Override
  public Stream<Secret> values() {
    return secrets.values().stream();
  }

  @Override
  public Secret get(String key) {
    return secrets.get(key);
  }

  @Override
  public int size() {
    return secrets.size();
  }

  /** Whether the cached Secret of this key is kept whole (not a stub). */
  boolean isWhole(String key) {
    return secrets.containsKey(key) && !stubs.contains(key);
  }

  /**
   * Keeps a Secret fetched on its first reference, unless the informer meanwhile stored another
   * version of it (which, being referenced now, it kept whole).
   */
  void remember(Secret fetched) {
    String key = getKey(fetched);
    secrets.computeIfPresent(
        key,
        (k, cached) -> {
          if (!Objects.equals(
              cached.getMetadata().getResourceVersion(),
              fetched.getMetadata().getResourceVersion())) {
            return cached;
          }
          stubs.remove(k);
          return lean(fetched);
        });
  }

  /** The Secret without managedFields and kubectl's last-applied copy of itself. */
  static Secret lean(Secret secret) {
    ObjectMeta metadata = new ObjectMetaBuilder(secret.getMetadata()).withManagedFields().build();
    metadata.setManagedFields(null);
    if (metadata.getAnnotations() != null && metadata.getAnnotations().containsKey(LAST_APPLIED)) {
      Map<String, String> annotations = new LinkedHashMap<>(metadata.getAnnotations());
      annotations.remove(LAST_APPLIED);
      metadata.setAnnotations(annotations);
    }
    return new SecretBuilder(secret).withMetadata(metadata).build();
  }

  /** Identity and type: what the informer needs of a Secret nothing refers to. */
  static Secret stub(Secret secret) {
    ObjectMeta metadata = secret.getMetadata();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(metadata.getName())
        .withNamespace(metadata.getNamespace())
        .withUid(metadata.getUid())
        .withResourceVersion(metadata.getResourceVersion())
        .endMetadata()
        .withType(secret.getType())
        .build();
  }
}
