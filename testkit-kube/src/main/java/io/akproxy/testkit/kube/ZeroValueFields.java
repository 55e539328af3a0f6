package io.akproxy.testkit.kube;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a built-in kind keeps a zero value ({@code false}, {@code 0}, {@code ""}): fields that are
 * Go pointers ({@code *bool}, {@code *int32}, {@code *IntOrString}) or carry no {@code omitempty}.
 * Everywhere else the API server's JSON encoding drops zero scalars and empty lists and maps.
 *
 * <p>Read from kubernetes/api at 10b39a39b: core/v1/types.go (PodSpec, PodSecurityContext,
 * SecurityContext, Container, ContainerPort, Probe, SecretVolumeSource, ConfigMapVolumeSource,
 * KeyToPath, Toleration, TopologySpreadConstraint, WeightedPodAffinityTerm, ServiceSpec,
 * ServicePort, ServiceAccount, Secret, ConfigMap, ContainerStatus), apps/v1/types.go
 * (DeploymentSpec, RollingUpdateDeployment, DeploymentStatus, ReplicaSetStatus), policy/v1/types.go
 * (PodDisruptionBudgetSpec/Status), autoscaling/v2/types.go (HorizontalPodAutoscalerSpec,
 * MetricTarget, HPAScalingRules, HPAScalingPolicy), networking/v1/types.go (NetworkPolicyPort),
 * coordination/v1/types.go (LeaseSpec) and apimachinery's OwnerReference. Only the fields of kinds
 * the operator writes and the simulation serves are listed.
 */
final class ZeroValueFields {

  /**
   * Fields holding a Go {@code map[string]...}: their entries are data, never pruned (a label may
   * be {@code ""}), though an empty map is dropped like any omitempty map.
   */
  static final Set<String> MAP_FIELDS =
      Set.of(
          "labels",
          "annotations",
          "data",
          "binaryData",
          "stringData",
          "nodeSelector",
          "matchLabels",
          "requests",
          "limits",
          "capacity",
          "allocatable");

  private static final List<String> SECURITY_CONTEXT =
      List.of(
          "securityContext.privileged",
          "securityContext.allowPrivilegeEscalation",
          "securityContext.readOnlyRootFilesystem",
          "securityContext.runAsNonRoot",
          "securityContext.runAsUser",
          "securityContext.runAsGroup");

  private static final List<String> CONTAINER =
      concat(
          SECURITY_CONTEXT,
          List.of(
              "ports[].containerPort",
              "livenessProbe.terminationGracePeriodSeconds",
              "readinessProbe.terminationGracePeriodSeconds",
              "startupProbe.terminationGracePeriodSeconds",
              "lifecycle.preStop.sleep.seconds"));

  private static final List<String> POD_SPEC =
      concat(
          prefixed("containers[].", CONTAINER),
          prefixed("initContainers[].", CONTAINER),
          List.of(
              "terminationGracePeriodSeconds",
              "activeDeadlineSeconds",
              "automountServiceAccountToken",
              "enableServiceLinks",
              "shareProcessNamespace",
              "priority",
              "setHostnameAsFQDN",
              "hostUsers",
              "securityContext.runAsUser",
              "securityContext.runAsGroup",
              "securityContext.runAsNonRoot",
              "securityContext.fsGroup",
              "volumes[].secret.defaultMode",
              "volumes[].secret.optional",
              "volumes[].secret.items[].mode",
              "volumes[].configMap.defaultMode",
              "volumes[].configMap.optional",
              "volumes[].configMap.items[].mode",
              "volumes[].projected.defaultMode",
              "tolerations[].tolerationSeconds",
              "topologySpreadConstraints[].maxSkew",
              "topologySpreadConstraints[].minDomains",
              "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[].weight",
              "affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[].weight",
              "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].weight"));

  private static final List<String> EVERY_KIND =
      List.of(
          "metadata.ownerReferences[].controller", "metadata.ownerReferences[].blockOwnerDeletion");

  private static final Map<String, Set<String>> BY_KIND = new HashMap<>();

  static {
    kind(
        "Deployment",
        concat(
            prefixed("spec.template.spec.", POD_SPEC),
            List.of(
                "spec.replicas",
                "spec.revisionHistoryLimit",
                "spec.progressDeadlineSeconds",
                "spec.strategy.rollingUpdate.maxUnavailable",
                "spec.strategy.rollingUpdate.maxSurge",
                "status.collisionCount")));
    kind(
        "ReplicaSet",
        concat(
            prefixed("spec.template.spec.", POD_SPEC),
            List.of("spec.replicas", "status.replicas")));
    kind(
        "Pod",
        concat(
            prefixed("spec.", POD_SPEC),
            List.of(
                "status.containerStatuses[].ready",
                "status.containerStatuses[].restartCount",
                "status.containerStatuses[].started")));
    kind(
        "Service",
        List.of(
            "spec.allocateLoadBalancerNodePorts",
            "spec.ports[].port",
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds"));
    kind("ServiceAccount", List.of("automountServiceAccountToken"));
    kind("Secret", List.of("immutable"));
    kind("ConfigMap", List.of("immutable"));
    kind(
        "PodDisruptionBudget",
        List.of(
            "spec.minAvailable",
            "spec.maxUnavailable",
            "status.disruptionsAllowed",
            "status.currentHealthy",
            "status.desiredHealthy",
            "status.expectedPods"));
    kind(
        "HorizontalPodAutoscaler",
        List.of(
            "spec.minReplicas",
            "spec.maxReplicas",
            "spec.metrics[].resource.target.averageUtilization",
            "spec.behavior.scaleUp.stabilizationWindowSeconds",
            "spec.behavior.scaleDown.stabilizationWindowSeconds",
            "spec.behavior.scaleUp.policies[].value",
            "spec.behavior.scaleUp.policies[].periodSeconds",
            "spec.behavior.scaleDown.policies[].value",
            "spec.behavior.scaleDown.policies[].periodSeconds",
            "status.desiredReplicas"));
    kind(
        "NetworkPolicy",
        List.of(
            "spec.ingress[].ports[].port",
            "spec.ingress[].ports[].endPort",
            "spec.egress[].ports[].port",
            "spec.egress[].ports[].endPort"));
    kind(
        "Lease",
        List.of("spec.holderIdentity", "spec.leaseDurationSeconds", "spec.leaseTransitions"));
    kind("Endpoints", List.of("subsets[].ports[].port"));
  }

  private ZeroValueFields() {}

  /** The paths of {@code kind} (array elements written {@code []}) that keep a zero value. */
  static Set<String> kept(String kind) {
    return BY_KIND.getOrDefault(kind, Set.copyOf(EVERY_KIND));
  }

  private static void kind(String kind, List<String> paths) {
    Set<String> all = new HashSet<>(paths);
    all.addAll(EVERY_KIND);
    BY_KIND.put(kind, Set.copyOf(all));
  }

  private static List<String> prefixed(String prefix, List<String> paths) {
    return paths.stream().map(p -> prefix + p).toList();
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> all = new java.util.ArrayList<>();
    for (List<String> list : lists) {
      all.addAll(list);
    }
    return List.copyOf(all);
  }
}
