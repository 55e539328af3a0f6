package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side printing: when a client asks {@code Accept: application/json;as=Table;g=meta.k8s.io;
 * v=v1} (kubectl get), lists, objects and watch events are answered as a {@code meta.k8s.io/v1
 * Table}. Custom resources get their CRD's own {@code additionalPrinterColumns}, evaluated with
 * Kubernetes JSONPath semantics and typed as the apiextensions table convertor does (only the first
 * result; {@code date} as an age); built-in kinds get kubectl's usual columns. Rows carry the
 * object's metadata ({@code includeObject=Metadata}, the default), the whole object, or nothing.
 */
final class Tables {

  private final Clock clock;

  Tables(Clock clock) {
    this.clock = clock;
  }

  static boolean wanted(String accept) {
    return accept != null && accept.contains("as=Table") && accept.contains("g=meta.k8s.io");
  }

  /** {@code answer} as a Table when the client asked for one, else unchanged. */
  JsonNode maybeTable(ResourceType type, JsonNode answer, String accept, ApiPath path) {
    if (!wanted(accept) || !answer.has("metadata")) {
      return answer;
    }
    String includeObject = path.param("includeObject");
    if (answer.has("items")) {
      List<JsonNode> items = new ArrayList<>();
      answer.path("items").forEach(items::add);
      ObjectNode table = table(type, items, includeObject);
      ObjectNode metadata = table.putObject("metadata");
      metadata.set("resourceVersion", answer.path("metadata").path("resourceVersion"));
      if (answer.path("metadata").has("continue")) {
        metadata.set("continue", answer.path("metadata").path("continue"));
      }
      return table;
    }
    ObjectNode table = table(type, List.of(answer), includeObject);
    table
        .putObject("metadata")
        .set("resourceVersion", answer.path("metadata").path("resourceVersion"));
    return table;
  }

  ObjectNode table(ResourceType type, List<JsonNode> objects, String includeObject) {
    List<Column> columns = columns(type);
    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ArrayNode definitions = table.putArray("columnDefinitions");
    for (Column column : columns) {
      ObjectNode definition = definitions.addObject();
      definition.put("name", column.name());
      definition.put("type", column.type());
      definition.put("format", column.format());
      definition.put("description", column.description());
      definition.put("priority", column.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column column : columns) {
        cells.add(Json.MAPPER.valueToTree(cell(column, object)));
      }
      if ("Object".equals(includeObject)) {
        ObjectNode full = (ObjectNode) object.deepCopy();
        full.put("apiVersion", type.apiVersion());
        full.put("kind", type.kind());
        row.set("object", full);
      } else if (!"None".equals(includeObject)) {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata").deepCopy());
      }
    }
    return table;
  }

  private static Object cell(Column column, JsonNode object) {
    try {
      return column.cell().apply(object);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private List<Column> columns(ResourceType type) {
    if (!type.isCustom()) {
      return BuiltInColumns.forKind(type.kind(), clock);
    }
    List<Column> columns = new ArrayList<>();
    columns.add(Column.objectName());
    JsonNode printerColumns = type.crd().path("additionalPrinterColumns");
    if (printerColumns.isEmpty()) {
      columns.add(
          new Column(
              "Age",
              "date",
              "",
              "",
              0,
              o -> Ages.since(Json.text(o, "metadata.creationTimestamp"), clock.instant())));
      return columns;
    }
    for (JsonNode printer : printerColumns) {
      String columnType = printer.path("type").asText("string");
      String path = printer.path("jsonPath").asText();
      columns.add(
          new Column(
              printer.path("name").asText(),
              columnType,
              printer.path("format").asText(""),
              printer.path("description").asText(""),
              printer.path("priority").asInt(0),
              o -> customCell(columnType, path, o)));
    }
    return columns;
  }

  /** tableconvertor.go: the first result only; typed by the column's type. */
  private Object customCell(String type, String path, JsonNode object) {
    List<JsonNode> results = JsonPath.evaluate(object, path);
    if (results.isEmpty() || results.get(0).isNull()) {
      return null;
    }
    JsonNode value = results.get(0);
    return switch (type) {
      case "integer" -> value.isNumber() ? value.asLong() : null;
      case "number" -> value.isNumber() ? value.asDouble() : null;
      case "boolean" -> value.isBoolean() ? value.asBoolean() : null;
      case "date" -> value.isTextual() ? Ages.since(value.asText(), clock.instant()) : null;
      default -> JsonPath.print(value);
    };
  }
}
