package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The defaults a real API server adds on every write of a built-in kind, per kind, from
 * kubernetes/kubernetes pkg/apis/{apps/v1,core/v1,autoscaling/v2,networking/v1}/defaults.go. Runs
 * after {@link Omitempty}, as the server decodes (dropping zero values), defaults, then encodes.
 */
final class Defaulting {

  private final ServiceDefaults services = new ServiceDefaults();

  /**
   * @param old the stored object an update replaces, or null on create (Services keep their
   *     allocated addresses)
   */
  void apply(ResourceType type, ObjectNode object, ObjectNode old) {
    switch (type.kind()) {
      case "Deployment" -> deployment(object);
      case "ReplicaSet" -> {
        Json.putIfAbsent(Json.objectAt(object, "spec"), "replicas", 1);
        template(object);
      }
      case "Pod" -> {
        ObjectNode spec = Json.objectAt(object, "spec");
        PodSpecDefaults.apply(spec);
        PodSpecDefaults.applyPodOnly(spec);
      }
      case "Service" -> services.apply(type, object, old);
      case "Secret" -> secret(object);
      case "HorizontalPodAutoscaler" -> autoscaler(object);
      case "NetworkPolicy" -> networkPolicy(object);
      case "Namespace" -> namespace(object);
      default -> {
        // ConfigMap, ServiceAccount, PodDisruptionBudget, Event, Lease: no visible defaults.
      }
    }
  }

  /**
   * SetDefaults_Secret: type Opaque. And stringData is write-only: its entries are merged into data
   * (base64), overriding data's, and it is never stored (core/v1 Secret.StringData).
   */
  private static void secret(ObjectNode secret) {
    Json.putIfAbsent(secret, "type", "Opaque");
    if (secret.get("stringData") instanceof ObjectNode stringData) {
      ObjectNode data = Json.objectAt(secret, "data");
      stringData
          .fields()
          .forEachRemaining(
              e ->
                  data.put(
                      e.getKey(),
                      java.util.Base64.getEncoder()
                          .encodeToString(
                              e.getValue()
                                  .asText()
                                  .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }
    secret.remove("stringData");
  }

  /** SetDefaults_Deployment (apps/v1): replicas 1, RollingUpdate 25%/25%, 10 revisions, 600 s. */
  private static void deployment(ObjectNode deployment) {
    ObjectNode spec = Json.objectAt(deployment, "spec");
    Json.putIfAbsent(spec, "replicas", 1);
    ObjectNode strategy = Json.objectAt(spec, "strategy");
    Json.putIfAbsent(strategy, "type", "RollingUpdate");
    if (strategy.get("type").asText().equals("RollingUpdate")) {
      ObjectNode rollingUpdate = Json.objectAt(strategy, "rollingUpdate");
      Json.putIfAbsent(rollingUpdate, "maxUnavailable", "25%");
      Json.putIfAbsent(rollingUpdate, "maxSurge", "25%");
    }
    Json.putIfAbsent(spec, "revisionHistoryLimit", 10);
    Json.putIfAbsent(spec, "progressDeadlineSeconds", 600);
    template(deployment);
  }

  private static void template(ObjectNode workload) {
    ObjectNode template = Json.objectAt(workload, "spec.template");
    PodSpecDefaults.apply(Json.objectAt(template, "spec"));
    // metav1.Time is a struct: a template's zero creationTimestamp is written as null.
    Json.objectAt(template, "metadata").putNull("creationTimestamp");
  }

  /** SetDefaults_HorizontalPodAutoscaler (autoscaling/v2) and its behavior defaults. */
  private static void autoscaler(ObjectNode hpa) {
    ObjectNode spec = Json.objectAt(hpa, "spec");
    Json.putIfAbsent(spec, "minReplicas", 1);
    if (!spec.has("metrics") || spec.get("metrics").isEmpty()) {
      ObjectNode metric = spec.putArray("metrics").addObject();
      metric.put("type", "Resource");
      ObjectNode resource = metric.putObject("resource");
      resource.put("name", "cpu");
      ObjectNode target = resource.putObject("target");
      target.put("type", "Utilization");
      target.put("averageUtilization", 80);
    }
    if (spec.get("behavior") instanceof ObjectNode behavior) {
      ObjectNode up = Json.objectAt(behavior, "scaleUp");
      Json.putIfAbsent(up, "stabilizationWindowSeconds", 0);
      Json.putIfAbsent(up, "selectPolicy", "Max");
      if (!up.has("policies")) {
        ArrayNode policies = up.putArray("policies");
        policy(policies, "Pods", 4, 15);
        policy(policies, "Percent", 100, 15);
      }
      ObjectNode down = Json.objectAt(behavior, "scaleDown");
      Json.putIfAbsent(down, "selectPolicy", "Max");
      if (!down.has("policies")) {
        policy(down.putArray("policies"), "Percent", 100, 15);
      }
    }
  }

  private static void policy(ArrayNode policies, String type, int value, int periodSeconds) {
    ObjectNode policy = policies.addObject();
    policy.put("type", type);
    policy.put("value", value);
    policy.put("periodSeconds", periodSeconds);
  }

  /** SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort (networking/v1). */
  private static void networkPolicy(ObjectNode policy) {
    ObjectNode spec = Json.objectAt(policy, "spec");
    Json.objectAt(spec, "podSelector");
    if (!spec.has("policyTypes") || spec.get("policyTypes").isEmpty()) {
      ArrayNode types = spec.putArray("policyTypes");
      types.add("Ingress");
      if (spec.has("egress") && !spec.get("egress").isEmpty()) {
        types.add("Egress");
      }
    }
    for (String direction : new String[] {"ingress", "egress"}) {
      for (ObjectNode rule : Json.objects(spec.get(direction))) {
        for (ObjectNode port : Json.objects(rule.get("ports"))) {
          Json.putIfAbsent(port, "protocol", "TCP");
        }
      }
    }
  }

  /** SetDefaults_Namespace and NamespaceStatus: the name label, phase Active. */
  private static void namespace(ObjectNode namespace) {
    String name = Json.text(namespace, "metadata.name");
    if (name != null) {
      Json.objectAt(namespace, "metadata.labels").put("kubernetes.io/metadata.name", name);
    }
    Json.putIfAbsent(Json.objectAt(namespace, "status"), "phase", "Active");
    ObjectNode spec = Json.objectAt(namespace, "spec");
    if (!spec.has("finalizers")) {
      spec.putArray("finalizers").add("kubernetes");
    }
  }
}
