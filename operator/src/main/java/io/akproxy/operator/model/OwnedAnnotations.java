package io.akproxy.operator.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which annotations on a child are the operator's. Other controllers and people annotate children
 * too ({@code kubectl rollout restart} on the pod template, a load-balancer controller on the
 * Service): those stay. The operator's own keys are recorded on the child, so a key the user
 * removes from the resource ({@code spec.service.annotations}, {@code spec.podAnnotations}) is
 * known to be the operator's and leaves the child, while a key it never set is left alone.
 */
public final class OwnedAnnotations {

  /** The annotation keys the operator set on this child's metadata, comma-separated. */
  public static final String METADATA = "akproxy.io/owned-annotations";

  /** The annotation keys the operator set on the Deployment's pod template, comma-separated. */
  public static final String POD_TEMPLATE = "akproxy.io/owned-pod-annotations";

  private OwnedAnnotations() {}

  /** Records the child's own annotation keys on it (and, for a Deployment, its template's). */
  static <T extends HasMetadata> T record(T child) {
    ObjectMeta metadata = child.getMetadata();
    Map<String, String> annotations = new LinkedHashMap<>();
    if (metadata.getAnnotations() != null) {
      annotations.putAll(metadata.getAnnotations());
    }
    annotations.remove(METADATA);
    annotations.remove(POD_TEMPLATE);
    if (child instanceof Deployment deployment) {
      annotations.put(POD_TEMPLATE, keys(deployment.getSpec().getTemplate().getMetadata()));
    }
    // The record lists itself, so it is never empty (and the key list never absent).
    annotations.put(METADATA, "");
    annotations.put(METADATA, String.join(",", new TreeSet<>(annotations.keySet())));
    metadata.setAnnotations(annotations);
    return child;
  }

  /** The keys recorded under {@code recordKey} in {@code metadata}; none when not recorded. */
  public static Set<String> recorded(ObjectMeta metadata, String recordKey) {
    String value =
        metadata == null || metadata.getAnnotations() == null
            ? null
            : metadata.getAnnotations().get(recordKey);
    if (value == null || value.isEmpty()) {
      return Set.of();
    }
    return Arrays.stream(value.split(",")).collect(Collectors.toCollection(TreeSet::new));
  }

  private static String keys(ObjectMeta metadata) {
    if (metadata == null || metadata.getAnnotations() == null) {
      return "";
    }
    return String.join(",", new TreeSet<>(metadata.getAnnotations().keySet()));
  }
}
