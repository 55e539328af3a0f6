package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * What the API server does to a custom resource with its CRD's structural schema: prunes fields the
 * schema does not declare (unless {@code x-kubernetes-preserve-unknown-fields}), drops nulls of
 * non-nullable fields, and fills {@code default}s of absent fields inside objects that exist.
 * Validation (types, enums, patterns, CEL rules) is not simulated.
 */
final class SchemaDefaults {

  private SchemaDefaults() {}

  static void apply(ResourceType type, ObjectNode object) {
    JsonNode schema = type.crd().path("schema").path("openAPIV3Schema");
    if (schema.isMissingNode()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      if (name.equals("apiVersion") || name.equals("kind") || name.equals("metadata")) {
        continue;
      }
      JsonNode fieldSchema = schema.path("properties").path(name);
      if (fieldSchema.isMissingNode()) {
        if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
          it.remove();
        }
      } else if (field.getValue().isNull() && !fieldSchema.path("nullable").asBoolean(false)) {
        it.remove();
      } else {
        walk(field.getValue(), fieldSchema);
      }
    }
    defaults(object, schema, true);
  }

  private static void walk(JsonNode node, JsonNode schema) {
    if (node instanceof ObjectNode object) {
      boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode fieldSchema = properties.path(field.getKey());
        if (fieldSchema.isMissingNode() && additional.isObject()) {
          fieldSchema = additional;
        }
        if (fieldSchema.isMissingNode()) {
          if (!preserve && !properties.isMissingNode()) {
            it.remove();
          }
        } else if (field.getValue().isNull() && !fieldSchema.path("nullable").asBoolean(false)) {
          it.remove();
        } else {
          walk(field.getValue(), fieldSchema);
        }
      }
      defaults(object, schema, false);
    } else if (node instanceof ArrayNode array) {
      JsonNode items = schema.path("items");
      array.forEach(element -> walk(element, items));
    }
  }

  private static void defaults(ObjectNode object, JsonNode schema, boolean root) {
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            property -> {
              if (root && property.getKey().equals("metadata")) {
                return;
              }
              JsonNode defaultValue = property.getValue().get("default");
              if (defaultValue != null && !object.has(property.getKey())) {
                JsonNode value = defaultValue.deepCopy();
                object.set(property.getKey(), value);
                walk(value, property.getValue());
              }
            });
  }
}
