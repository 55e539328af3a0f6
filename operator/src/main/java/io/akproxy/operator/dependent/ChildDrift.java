package io.akproxy.operator.dependent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.Iterator;
import java.util.regex.Pattern;

/**
 * Whether a child in the cluster still matches what the model wants. The API server adds defaults
 * (strategy, probe timeouts, clusterIP, terminationMessagePath, ...) that the model never sets, so
 * a child matches when the cluster copy differs from the desired one by additions only.
 *
 * <p>The diff keeps every {@code add} an {@code add}: zjsonpatch's default flags turn an add of a
 * value equal to one elsewhere in the object into a {@code copy} (a probe's timeoutSeconds 1 equal
 * to replicas 1), which would make every defaulted child look changed and rewrite it forever.
 */
public final class ChildDrift {

  /** Resource quantities compare by value: the API server stores "0.5" as "500m". */
  private static final Pattern QUANTITY_PATH =
      Pattern.compile(".*/resources/(limits|requests)/[^/]+$|.*/sizeLimit$");

  private ChildDrift() {}

  public static boolean matches(
      KubernetesSerialization serialization, HasMetadata desired, HasMetadata actual) {
    JsonNode wanted = comparable(serialization, desired);
    JsonNode found = comparable(serialization, actual);
    JsonNode patch = JsonDiff.asJson(wanted, found, DiffFlags.dontNormalizeOpIntoMoveAndCopy());
    for (JsonNode operation : patch) {
      String op = operation.path("op").asText();
      if (op.equals("add") && !growsOwnedList(operation, wanted)) {
        continue;
      }
      if (op.equals("replace") && sameQuantity(operation, wanted)) {
        continue;
      }
      return false;
    }
    return true;
  }

  /**
   * An element added to a list the model writes whole (ports, containers, volumes, args): that is a
   * removal the model asked for, not a server default. The API server adds whole lists (clusterIPs,
   * ipFamilies), never elements to the ones the operator sets.
   */
  private static boolean growsOwnedList(JsonNode operation, JsonNode wanted) {
    String path = operation.path("path").asText();
    int slash = path.lastIndexOf('/');
    String last = path.substring(slash + 1);
    if (slash <= 0 || !(last.equals("-") || last.chars().allMatch(Character::isDigit))) {
      return false;
    }
    return wanted.at(path.substring(0, slash)).isArray();
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
    return node;
  }

  private static boolean sameQuantity(JsonNode operation, JsonNode wanted) {
    String path = operation.path("path").asText();
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
