package io.akproxy.operator.dependent;

import io.akproxy.operator.model.OwnedAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The object the operator writes over a child that drifted: the model's, plus what others put on
 * the child and the operator does not own. A whole-object update would otherwise wipe them: {@code
 * kubectl rollout restart}'s pod-template annotation (the pods would roll a second time), a load
 * balancer controller's Service annotation, other finalizers.
 */
public final class ChildUpdate {

  private ChildUpdate() {}

  public static <R extends HasMetadata> R over(R actual, R desired) {
    ObjectMeta had = actual.getMetadata();
    ObjectMeta meta = desired.getMetadata();
    meta.setResourceVersion(had.getResourceVersion());
    meta.setFinalizers(had.getFinalizers());
    meta.setLabels(merge(had.getLabels(), meta.getLabels(), Set.of()));
    meta.setAnnotations(
        merge(
            had.getAnnotations(),
            meta.getAnnotations(),
            OwnedAnnotations.recorded(had, OwnedAnnotations.METADATA)));
    if (actual instanceof Deployment before && desired instanceof Deployment after) {
      ObjectMeta hadPod = before.getSpec().getTemplate().getMetadata();
      ObjectMeta pod = after.getSpec().getTemplate().getMetadata();
      if (hadPod != null && pod != null) {
        pod.setLabels(merge(hadPod.getLabels(), pod.getLabels(), Set.of()));
        pod.setAnnotations(
            merge(
                hadPod.getAnnotations(),
                pod.getAnnotations(),
                OwnedAnnotations.recorded(had, OwnedAnnotations.POD_TEMPLATE)));
      }
      // Without a count of its own (an autoscaler owns it) the model keeps the cluster's.
      if (after.getSpec().getReplicas() == null) {
        after.getSpec().setReplicas(before.getSpec().getReplicas());
      }
    }
    return desired;
  }

  /** The model's entries, plus the cluster's entries the operator never set. */
  static Map<String, String> merge(
      Map<String, String> cluster, Map<String, String> model, Set<String> ownedBefore) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (cluster != null) {
      cluster.forEach(
          (key, value) -> {
            if (!ownedBefore.contains(key)) {
              merged.put(key, value);
            }
          });
    }
    if (model != null) {
      merged.putAll(model);
    }
    return merged.isEmpty() ? null : merged;
  }
}
