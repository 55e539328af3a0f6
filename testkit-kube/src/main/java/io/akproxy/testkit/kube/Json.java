package io.akproxy.testkit.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The JSON tree helpers every part of the server shares. Objects are stored as Jackson trees. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body of the request is not valid JSON: " + e.getMessage());
    }
  }

  static ObjectNode parseObject(String text) {
    JsonNode node = parse(text);
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.badRequest("the body of the request must be a JSON object");
    }
    return object;
  }

  /**
   * The same tree as it reads back from its JSON text: numbers as the smallest node type that holds
   * them, so {@code 30} defaulted in code equals {@code 30} sent by a client.
   */
  static ObjectNode canonical(ObjectNode node) {
    return (ObjectNode) parse(write(node));
  }

  /** The same tree with every object's keys in order, for hashing. */
  static JsonNode sorted(JsonNode node) {
    if (node instanceof ObjectNode object) {
      ObjectNode sorted = object();
      new java.util.TreeMap<>(
              java.util.stream.StreamSupport.stream(
                      ((Iterable<java.util.Map.Entry<String, JsonNode>>) object::fields)
                          .spliterator(),
                      false)
                  .collect(
                      java.util.stream.Collectors.toMap(
                          java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)))
          .forEach((key, value) -> sorted.set(key, sorted(value)));
      return sorted;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode sorted = array();
      array.forEach(element -> sorted.add(sorted(element)));
      return sorted;
    }
    return node;
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 3339 in whole seconds, as metav1.Time serialises. */
  static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The node at a dotted path ({@code spec.template.spec}), or a missing node. */
  static JsonNode at(JsonNode node, String dottedPath) {
    JsonNode current = node;
    for (String part : dottedPath.split("\\.")) {
      current = current.path(part);
    }
    return current;
  }

  /** The object at a dotted path, created on the way when absent. */
  static ObjectNode objectAt(ObjectNode node, String dottedPath) {
    ObjectNode current = node;
    for (String part : dottedPath.split("\\.")) {
      JsonNode next = current.get(part);
      if (!(next instanceof ObjectNode)) {
        next = current.putObject(part);
      }
      current = (ObjectNode) next;
    }
    return current;
  }

  static ObjectNode metadata(ObjectNode object) {
    return objectAt(object, "metadata");
  }

  static String text(JsonNode node, String dottedPath) {
    JsonNode value = at(node, dottedPath);
    return value.isMissingNode() || value.isNull() ? null : value.asText();
  }

  static void putIfAbsent(ObjectNode node, String field, JsonNode value) {
    if (!node.hasNonNull(field)) {
      node.set(field, value);
    }
  }

  static void putIfAbsent(ObjectNode node, String field, String value) {
    if (!node.hasNonNull(field) || node.get(field).asText().isEmpty()) {
      node.put(field, value);
    }
  }

  static void putIfAbsent(ObjectNode node, String field, long value) {
    if (!node.hasNonNull(field)) {
      node.put(field, value);
    }
  }

  /** Go's zero-value test for a scalar sent as 0: treat absent, null and zero alike. */
  static boolean isZeroOrAbsent(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || (value.isNumber() && value.asLong() == 0);
  }

  static Iterable<ObjectNode> objects(JsonNode array) {
    java.util.List<ObjectNode> objects = new java.util.ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(
          element -> {
            if (element instanceof ObjectNode object) {
              objects.add(object);
            }
          });
    }
    return objects;
  }
}
