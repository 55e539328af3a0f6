package io.akproxy.operator.model;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster shows of a resource's children when status is computed: the Deployment and its
 * rollout, the Service's load balancer, and the proxy pods with what each serves.
 *
 * @param pods the proxy pods, without those being deleted
 */
public record Observed(
    Optional<Deployment> deployment, Optional<Service> service, List<PodView> pods) {

  public Observed {
    pods = List.copyOf(pods);
  }
}
