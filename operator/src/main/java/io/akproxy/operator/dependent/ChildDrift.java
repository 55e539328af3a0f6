package io.akproxy.operator.dependent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a child in the cluster still matches what the model wants, comparing only what the
 * operator owns:
 *
 * <ul>
 *   <li>every field the model sets, by value (resource quantities by amount: "0.5" is "500m");
 *   <li>fields the model leaves out must be absent too, except the ones a real API server fills in
 *       (listed below per kind): so a field removed from the resource leaves the child;
 *   <li>of the labels and annotations, only the model's own keys: other controllers' keys (a
 *       Deployment's revision, {@code kubectl rollout restart}'s pod-template annotation) are not
 *       drift. A key the operator set before and no longer wants changes the recorded key list
 *       ({@link io.akproxy.operator.model.OwnedAnnotations}), which is drift.
 * </ul>
 *
 * <p>The diff keeps every {@code add} an {@code add}: zjsonpatch's default flags turn an add of a
 * value equal to one elsewhere in the object into a {@code copy} (a probe's timeoutSeconds 1 equal
 * to replicas 1).
 */
public final class ChildDrift {

  /**
   * Paths a real API server fills in when a write leaves them out ({@code *}: any key or index),
   * per kind. Anything else present in the cluster and absent from the model is drift.
   */
  private static final Map<String, List<Pattern>> SERVER_DEFAULTS =
      Map.of(
          "Deployment",
          paths(
              // With an autoscaler the model leaves the count to it.
              "/spec/replicas",
              "/spec/progressDeadlineSeconds",
              "/spec/revisionHistoryLimit",
              "/spec/template/spec/dnsPolicy",
              "/spec/template/spec/restartPolicy",
              "/spec/template/spec/schedulerName",
              // The deprecated alias of serviceAccountName, copied by the API server.
              "/spec/template/spec/serviceAccount",
              "/spec/template/spec/containers/*/imagePullPolicy",
              "/spec/template/spec/containers/*/terminationMessagePath",
              "/spec/template/spec/containers/*/terminationMessagePolicy",
              "/spec/template/spec/containers/*/(livenessProbe|readinessProbe|startupProbe)"
                  + "/(timeoutSeconds|successThreshold|failureThreshold|periodSeconds)",
              "/spec/template/spec/containers/*/(livenessProbe|readinessProbe|startupProbe)"
                  + "/httpGet/scheme",
              "/spec/template/spec/containers/*/ports/*/protocol",
              "/spec/template/spec/volumes/*/(configMap|secret)/defaultMode"),
          "Service",
          paths(
              "/spec/clusterIP",
              "/spec/clusterIPs",
              "/spec/sessionAffinity",
              "/spec/ipFamilies",
              "/spec/ipFamilyPolicy",
              "/spec/internalTrafficPolicy",
              "/spec/allocateLoadBalancerNodePorts",
              "/spec/healthCheckNodePort",
              "/spec/ports/*/nodePort",
              "/spec/ports/*/protocol"),
          "NetworkPolicy",
          paths("/spec/(ingress|egress)/*/ports/*/protocol"),
          "HorizontalPodAutoscaler",
          paths("/spec/minReplicas"));

  /** Label and annotation maps: only the model's keys are compared. */
  private static final List<String> KEYED_MAPS =
      List.of(
          "/metadata/labels",
          "/metadata/annotations",
          "/spec/template/metadata/labels",
          "/spec/template/metadata/annotations");

  /** Resource quantities compare by value: the API server stores "0.5" as "500m". */
  private static final Pattern QUANTITY_PATH =
      Pattern.compile(".*/resources/(limits|requests)/[^/]+$|.*/sizeLimit$");

  private ChildDrift() {}

  public static boolean matches(
      KubernetesSerialization serialization, HasMetadata desired, HasMetadata actual) {
    JsonNode wanted = comparable(serialization, desired);
    JsonNode found = comparable(serialization, actual);
    for (String path : KEYED_MAPS) {
      keepOnlyKeysOf(wanted, found, path);
    }
    List<Pattern> defaults = SERVER_DEFAULTS.getOrDefault(desired.getKind(), List.of());
    JsonNode patch = JsonDiff.asJson(wanted, found, DiffFlags.dontNormalizeOpIntoMoveAndCopy());
    for (JsonNode operation : patch) {
      String op = operation.path("op").asText();
      String path = operation.path("path").asText();
      if (op.equals("add") && defaults.stream().anyMatch(p -> p.matcher(path).matches())) {
        continue;
      }
      if (op.equals("replace") && sameQuantity(path, operation, wanted)) {
        continue;
      }
      return false;
    }
    return true;
  }

  private static List<Pattern> paths(String... paths) {
    return java.util.Arrays.stream(paths)
        .map(p -> Pattern.compile(p.replace("*", "[^/]+")))
        .toList();
  }

  /** Leaves in {@code found} only the keys {@code wanted} has (someone else's keys are theirs). */
  private static void keepOnlyKeysOf(JsonNode wantedRoot, JsonNode foundRoot, String path) {
    JsonNode wanted = wantedRoot.at(path);
    if (!(foundRoot.at(path) instanceof ObjectNode found)) {
      return;
    }
    found.retain(
        java.util.stream.StreamSupport.stream(
                java.util.Spliterators.spliteratorUnknownSize(wanted.fieldNames(), 0), false)
            .toList());
    if (found.isEmpty() && wanted.isMissingNode()) {
      int slash = path.lastIndexOf('/');
      if (foundRoot.at(path.substring(0, slash)) instanceof ObjectNode parent) {
        parent.remove(path.substring(slash + 1));
      }
    }
  }

  /** The object without status and without metadata the server owns. */
  private static JsonNode comparable(KubernetesSerialization serialization, HasMetadata resource) {
    ObjectNode node = serialization.convertValue(resource, ObjectNode.class);
    node.remove("status");
    JsonNode metadata = node.get("metadata");
    if (metadata instanceof ObjectNode meta) {
      Iterator<String> names = meta.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!name.equals("labels") && !name.equals("annotations")) {
          names.remove();
        }
      }
    }
    JsonNode template = node.at("/spec/template/metadata");
    if (template instanceof ObjectNode meta) {
      // The API server stores creationTimestamp: null in a pod template.
      meta.remove("creationTimestamp");
    }
    return node;
  }

  private static boolean sameQuantity(String path, JsonNode operation, JsonNode wanted) {
    if (!QUANTITY_PATH.matcher(path).matches()) {
      return false;
    }
    JsonNode desiredValue = wanted.at(path);
    JsonNode actualValue = operation.get("value");
    if (desiredValue.isMissingNode() || actualValue == null) {
      return false;
    }
    try {
      return Quantity.getAmountInBytes(new Quantity(desiredValue.asText()))
              .compareTo(Quantity.getAmountInBytes(new Quantity(actualValue.asText())))
          == 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
