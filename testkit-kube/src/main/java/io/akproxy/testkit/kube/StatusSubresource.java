package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The status subresource's split of one object between two writers: a write of the main resource
 * keeps the stored status (and a create starts without one), a write to {@code /status} keeps
 * everything but the status (customResourceStrategy / deploymentStatusStrategy PrepareForUpdate).
 * Kinds without the subresource store status like any other field.
 */
final class StatusSubresource {

  private StatusSubresource() {}

  /** The object to store for a write of the main resource. */
  static ObjectNode mainWrite(ResourceType type, ObjectNode incoming, ObjectNode old) {
    if (!type.statusSubresource()) {
      return incoming;
    }
    incoming.remove("status");
    if (old != null && old.has("status")) {
      incoming.set("status", old.get("status").deepCopy());
    }
    return incoming;
  }

  /** The object to store for a write to {@code /status}: the stored one with the new status. */
  static ObjectNode statusWrite(ObjectNode incoming, ObjectNode old) {
    ObjectNode result = old.deepCopy();
    JsonNode status = incoming.get("status");
    if (status == null || status.isNull()) {
      result.remove("status");
    } else {
      result.set("status", status.deepCopy());
    }
    // The caller's resourceVersion decides the conflict check, not the stored one.
    JsonNode version = incoming.path("metadata").get("resourceVersion");
    if (version != null) {
      Json.metadata(result).set("resourceVersion", version.deepCopy());
    } else {
      Json.metadata(result).remove("resourceVersion");
    }
    return result;
  }

  /** What the server writes into status on create (Pods start Pending). */
  static void onCreate(ResourceType type, ObjectNode object) {
    if (type.kind().equals("Pod")) {
      ObjectNode status = Json.objectAt(object, "status");
      Json.putIfAbsent(status, "phase", "Pending");
      Json.putIfAbsent(status, "qosClass", qosClass(object.path("spec")));
    }
  }

  /**
   * BestEffort without requests or limits, Guaranteed when limits equal requests, else Burstable.
   */
  private static String qosClass(JsonNode podSpec) {
    boolean any = false;
    boolean guaranteed = true;
    for (JsonNode container : podSpec.path("containers")) {
      JsonNode requests = container.path("resources").path("requests");
      JsonNode limits = container.path("resources").path("limits");
      any |= !requests.isEmpty() || !limits.isEmpty();
      guaranteed &=
          limits.has("cpu")
              && limits.has("memory")
              && (requests.isEmpty() || requests.equals(limits));
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
  }
}
