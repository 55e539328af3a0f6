package io.akproxy.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.Optional;

/** Every object one AuthentikProxy should own, as the model built them. */
public record DesiredChildren(
    ConfigMap configMap,
    Secret tlsSecret,
    Deployment deployment,
    Service service,
    ServiceAccount serviceAccount,
    Optional<PodDisruptionBudget> podDisruptionBudget,
    Optional<HorizontalPodAutoscaler> autoscaler,
    Optional<NetworkPolicy> networkPolicy) {}
