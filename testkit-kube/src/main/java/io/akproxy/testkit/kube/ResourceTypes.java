package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The kinds the server serves: the built-in kinds the operator and kubectl touch, plus every
 * version of each CustomResourceDefinition stored on the server (registered when the CRD is
 * created, gone when it is deleted), as a real API server's discovery does.
 */
final class ResourceTypes {

  private final List<ResourceType> types = new CopyOnWriteArrayList<>();

  ResourceTypes() {
    types.addAll(builtIns());
  }

  private static List<ResourceType> builtIns() {
    List<ResourceType> builtIns = new ArrayList<>();
    // group, version, kind, plural, singular, shortNames, categories, namespaced, status,
    // generation
    builtIns.add(core("Namespace", "namespaces", List.of("ns"), List.of(), false, true));
    builtIns.add(core("ConfigMap", "configmaps", List.of("cm"), List.of(), true, false));
    builtIns.add(core("Secret", "secrets", List.of(), List.of(), true, false));
    builtIns.add(core("Service", "services", List.of("svc"), List.of("all"), true, true));
    builtIns.add(core("ServiceAccount", "serviceaccounts", List.of("sa"), List.of(), true, false));
    builtIns.add(core("Pod", "pods", List.of("po"), List.of("all"), true, true));
    builtIns.add(core("Event", "events", List.of("ev"), List.of(), true, false));
    builtIns.add(core("Endpoints", "endpoints", List.of("ep"), List.of(), true, false));
    // group, version, kind, plural, shortNames, categories, status subresource, generation
    builtIns.add(builtIn("apps", "v1", "Deployment", "deployments", "deploy", "all", true, true));
    builtIns.add(builtIn("apps", "v1", "ReplicaSet", "replicasets", "rs", "all", true, true));
    builtIns.add(
        builtIn(
            "policy",
            "v1",
            "PodDisruptionBudget",
            "poddisruptionbudgets",
            "pdb",
            null,
            true,
            true));
    builtIns.add(
        builtIn(
            "autoscaling",
            "v2",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            "hpa",
            "all",
            true,
            false));
    builtIns.add(
        builtIn(
            "networking.k8s.io",
            "v1",
            "NetworkPolicy",
            "networkpolicies",
            "netpol",
            null,
            false,
            true));
    builtIns.add(builtIn("coordination.k8s.io", "v1", "Lease", "leases", null, null, false, false));
    builtIns.add(
        new ResourceType(
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            "customresourcedefinition",
            List.of("crd", "crds"),
            List.of("api-extensions"),
            false,
            true,
            true,
            true,
            false,
            null));
    builtIns.add(review("SelfSubjectRulesReview", "selfsubjectrulesreviews"));
    builtIns.add(review("SelfSubjectAccessReview", "selfsubjectaccessreviews"));
    return builtIns;
  }

  private static ResourceType core(
      String kind,
      String plural,
      List<String> shortNames,
      List<String> categories,
      boolean namespaced,
      boolean status) {
    return new ResourceType(
        "",
        "v1",
        kind,
        plural,
        kind.toLowerCase(java.util.Locale.ROOT),
        shortNames,
        categories,
        namespaced,
        status,
        false,
        true,
        false,
        null);
  }

  private static ResourceType builtIn(
      String group,
      String version,
      String kind,
      String plural,
      String shortName,
      String category,
      boolean status,
      boolean generation) {
    return new ResourceType(
        group,
        version,
        kind,
        plural,
        kind.toLowerCase(java.util.Locale.ROOT),
        shortName == null ? List.of() : List.of(shortName),
        category == null ? List.of() : List.of(category),
        true,
        status,
        generation,
        true,
        false,
        null);
  }

  private static ResourceType review(String kind, String plural) {
    return new ResourceType(
        "authorization.k8s.io",
        "v1",
        kind,
        plural,
        kind.toLowerCase(java.util.Locale.ROOT),
        List.of(),
        List.of(),
        false,
        false,
        false,
        true,
        true,
        null);
  }

  List<ResourceType> all() {
    return List.copyOf(types);
  }

  Optional<ResourceType> find(String group, String version, String plural) {
    return types.stream()
        .filter(
            t ->
                t.group().equals(group) && t.version().equals(version) && t.plural().equals(plural))
        .findFirst();
  }

  Optional<ResourceType> byKind(String apiVersion, String kind) {
    return types.stream()
        .filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind))
        .findFirst();
  }

  /** Serves every version of the CRD's kind, replacing what an earlier version of it served. */
  void registerCrd(JsonNode crd) {
    unregisterCrd(crd);
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    List<String> shortNames = strings(names.path("shortNames"));
    List<String> categories = strings(names.path("categories"));
    for (JsonNode version : spec.path("versions")) {
      if (!version.path("served").asBoolean(true)) {
        continue;
      }
      types.add(
          new ResourceType(
              spec.path("group").asText(),
              version.path("name").asText(),
              names.path("kind").asText(),
              names.path("plural").asText(),
              names.path("singular").asText(names.path("kind").asText().toLowerCase()),
              shortNames,
              categories,
              "Namespaced".equals(spec.path("scope").asText("Namespaced")),
              version.path("subresources").has("status"),
              true,
              false,
              false,
              version));
    }
  }

  void unregisterCrd(JsonNode crd) {
    String group = crd.path("spec").path("group").asText();
    String plural = crd.path("spec").path("names").path("plural").asText();
    types.removeIf(t -> t.isCustom() && t.group().equals(group) && t.plural().equals(plural));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return List.copyOf(values);
  }
}
