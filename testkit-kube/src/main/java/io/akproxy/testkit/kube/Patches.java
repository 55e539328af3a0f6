package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.Iterator;
import java.util.Map;

/**
 * The three patch types the API server accepts from clients: JSON patch (RFC 6902), JSON merge
 * patch (RFC 7386), and strategic merge patch for built-in kinds, whose lists of objects merge by
 * their {@code patchMergeKey} (containers by name, ...) instead of being replaced. Server-side
 * apply is refused (415), as on fabric8's mock.
 */
final class Patches {

  /** patchMergeKey of the list fields the operator and kubectl patch, from core/v1 and apps/v1. */
  private static final Map<String, String> MERGE_KEYS =
      Map.ofEntries(
          Map.entry("containers", "name"),
          Map.entry("initContainers", "name"),
          Map.entry("ephemeralContainers", "name"),
          Map.entry("volumes", "name"),
          Map.entry("volumeMounts", "mountPath"),
          Map.entry("env", "name"),
          Map.entry("imagePullSecrets", "name"),
          Map.entry("conditions", "type"),
          Map.entry("ownerReferences", "uid"),
          Map.entry("topologySpreadConstraints", "topologyKey"),
          Map.entry("hostAliases", "ip"));

  private Patches() {}

  static ObjectNode apply(ResourceType type, ObjectNode current, String contentType, String body) {
    String mediaType = contentType == null ? "" : contentType.split(";")[0].trim();
    JsonNode patch = Json.parse(body);
    return switch (mediaType) {
      case "application/json-patch+json" -> jsonPatch(current, patch);
      case "application/merge-patch+json" -> asObject(merge(current, patch, false));
      case "application/strategic-merge-patch+json" -> {
        if (type.isCustom()) {
          throw ApiException.unsupportedMediaType(
              contentType + " (strategic merge patch is not supported for custom resources)");
        }
        yield asObject(merge(current, patch, true));
      }
      default -> throw ApiException.unsupportedMediaType(contentType);
    };
  }

  private static ObjectNode jsonPatch(ObjectNode current, JsonNode patch) {
    try {
      return asObject(JsonPatch.apply(patch, current));
    } catch (JsonPatchException | IllegalArgumentException e) {
      throw new ApiException(
          422,
          "Invalid",
          "the server rejected our request due to an error in our request: " + e.getMessage());
    }
  }

  private static ObjectNode asObject(JsonNode node) {
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.badRequest("the patch did not produce an object");
    }
    return object;
  }

  /** RFC 7386, plus the strategic rules when {@code strategic}. */
  static JsonNode merge(JsonNode target, JsonNode patch, boolean strategic) {
    if (!(patch instanceof ObjectNode patchObject)) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target instanceof ObjectNode targetObject ? targetObject.deepCopy() : Json.object();
    if (strategic && "replace".equals(patchObject.path("$patch").asText())) {
      ObjectNode replacement = patchObject.deepCopy();
      replacement.remove("$patch");
      return replacement;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patchObject.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String field = entry.getKey();
      JsonNode value = entry.getValue();
      if (strategic && field.startsWith("$")) {
        continue; // $setElementOrder, $retainKeys, $deleteFromPrimitiveList: ordering hints.
      }
      if (value.isNull()) {
        result.remove(field);
      } else if (strategic
          && value.isArray()
          && mergeKey(field, value) != null
          && result.path(field).isArray()) {
        result.set(
            field,
            mergeList((ArrayNode) result.get(field), (ArrayNode) value, mergeKey(field, value)));
      } else if (value.isObject()) {
        result.set(field, merge(result.get(field), value, strategic));
      } else {
        result.set(field, value.deepCopy());
      }
    }
    return result;
  }

  /** Container ports merge by containerPort, Service ports by port: told apart by the element. */
  private static String mergeKey(String field, JsonNode list) {
    if (field.equals("ports") && !list.isEmpty()) {
      return list.get(0).has("containerPort") ? "containerPort" : "port";
    }
    return MERGE_KEYS.get(field);
  }

  private static ArrayNode mergeList(ArrayNode current, ArrayNode patch, String key) {
    ArrayNode result = current.deepCopy();
    for (JsonNode element : patch) {
      JsonNode keyValue = element.path(key);
      int index = indexOf(result, key, keyValue);
      boolean delete = "delete".equals(element.path("$patch").asText());
      if (delete) {
        if (index >= 0) {
          result.remove(index);
        }
      } else if (index >= 0) {
        result.set(index, merge(result.get(index), element, true));
      } else {
        result.add(merge(Json.object(), element, true));
      }
    }
    return result;
  }

  private static int indexOf(ArrayNode list, String key, JsonNode keyValue) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).path(key).equals(keyValue)) {
        return i;
      }
    }
    return -1;
  }
}
