package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Drops what Go's {@code encoding/json} leaves out of a built-in object: a zero scalar ({@code
 * false}, {@code 0}, {@code ""}) or an empty list or map in an {@code omitempty} field, and nulls.
 * Zero values of pointer fields survive (see {@link ZeroValueFields}); objects are never dropped,
 * since Go never omits a struct.
 */
final class Omitempty {

  private Omitempty() {}

  static void prune(String kind, ObjectNode object) {
    pruneObject(object, "", ZeroValueFields.kept(kind));
  }

  private static void pruneObject(ObjectNode object, String path, Set<String> kept) {
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isNull()) {
        fields.remove();
      } else if (value instanceof ObjectNode child) {
        if (ZeroValueFields.MAP_FIELDS.contains(field.getKey())) {
          if (child.isEmpty()) {
            fields.remove();
          }
        } else {
          pruneObject(child, fieldPath, kept);
        }
      } else if (value instanceof ArrayNode array) {
        if (array.isEmpty()) {
          fields.remove();
        } else {
          for (JsonNode element : array) {
            if (element instanceof ObjectNode elementObject) {
              pruneObject(elementObject, fieldPath + "[]", kept);
            }
          }
        }
      } else if (isZero(value) && !kept.contains(fieldPath)) {
        fields.remove();
      }
    }
  }

  private static boolean isZero(JsonNode value) {
    return (value.isBoolean() && !value.booleanValue())
        || (value.isNumber() && value.asDouble() == 0)
        || (value.isTextual() && value.textValue().isEmpty());
  }
}
