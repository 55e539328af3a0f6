package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * One column of a server-side Table: its definition as kubectl reads it and how a cell is computed
 * from an object (a String, a Number, a Boolean, or null for an empty cell).
 */
record Column(
    String name,
    String type,
    String format,
    String description,
    int priority,
    Function<JsonNode, Object> cell) {

  static Column of(String name, Function<JsonNode, Object> cell) {
    return new Column(name, "string", "", "", 0, cell);
  }

  static Column wide(String name, Function<JsonNode, Object> cell) {
    return new Column(name, "string", "", "", 1, cell);
  }

  static Column objectName() {
    return new Column(
        "Name",
        "string",
        "name",
        "Name must be unique within a namespace. More info:"
            + " https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
        0,
        o -> Json.text(o, "metadata.name"));
  }
}
