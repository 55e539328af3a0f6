package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One kind the server serves: where it lives in the API, how discovery names it, and which of a
 * real API server's storage rules apply to it.
 *
 * @param statusSubresource whether {@code /status} exists, so a write of the main resource leaves
 *     status alone
 * @param tracksGeneration whether {@code metadata.generation} is kept and bumped on spec changes
 * @param builtIn built-in kinds get Go's omitempty treatment and the defaulters; custom resources
 *     are stored as sent, after the CRD schema's defaults
 * @param createOnly review kinds (SelfSubjectRulesReview): answered, never stored
 * @param crd for custom resources, the CRD version's JSON (schema, printer columns); else null
 */
record ResourceType(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    List<String> shortNames,
    List<String> categories,
    boolean namespaced,
    boolean statusSubresource,
    boolean tracksGeneration,
    boolean builtIn,
    boolean createOnly,
    JsonNode crd) {

  static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  String groupVersion() {
    return apiVersion();
  }

  String listKind() {
    return kind + "List";
  }

  boolean isCustom() {
    return crd != null;
  }

  List<String> verbs() {
    return createOnly ? List.of("create") : VERBS;
  }

  /** The URL prefix of this kind's collection in a namespace (or cluster-wide). */
  String collectionPath(String namespace) {
    String base = group.isEmpty() ? "/api/v1" : "/apis/" + group + "/" + version;
    return namespaced && namespace != null
        ? base + "/namespaces/" + namespace + "/" + plural
        : base + "/" + plural;
  }

  @Override
  public String toString() {
    return plural + (group.isEmpty() ? "" : "." + group);
  }
}
