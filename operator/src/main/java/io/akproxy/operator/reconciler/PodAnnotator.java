package io.akproxy.operator.reconciler;

import io.akproxy.operator.model.PodRefresh;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets {@link PodRefresh#ANNOTATION} on the proxy Pod objects whose value differs, one merge patch
 * each, so the kubelet re-projects their volumes now rather than at its next periodic sync. Never
 * the pod template: that would roll the pods. A pod that could not be annotated is logged and
 * skipped: the kubelet's periodic sync still brings it the change.
 */
final class PodAnnotator {

  private static final Logger LOG = LoggerFactory.getLogger(PodAnnotator.class);

  private final KubernetesClient client;

  PodAnnotator(KubernetesClient client) {
    this.client = client;
  }

  void annotate(List<Pod> pods, String value) {
    for (Pod pod : pods) {
      Map<String, String> annotations = pod.getMetadata().getAnnotations();
      if (annotations != null && value.equals(annotations.get(PodRefresh.ANNOTATION))) {
        continue;
      }
      String patch =
          "{\"metadata\":{\"annotations\":{\"" + PodRefresh.ANNOTATION + "\":\"" + value + "\"}}}";
      try {
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          LOG.warn(
              "{}/{}: could not annotate the pod to bring it the change now (the kubelet's periodic"
                  + " sync will): {}",
              pod.getMetadata().getNamespace(),
              pod.getMetadata().getName(),
              e.getMessage());
        }
      }
    }
  }
}
