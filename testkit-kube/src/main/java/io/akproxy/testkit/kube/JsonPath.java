package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The subset of Kubernetes JSONPath (k8s.io/client-go/util/jsonpath) that printer columns use:
 * {@code .field}, {@code ['field.with.dots']}, {@code [n]}, {@code [*]}, {@code .*} and filters
 * {@code [?(@.type=="Ready")]} with {@code ==}, {@code !=}, {@code <}, {@code >}, {@code <=},
 * {@code >=} on a string or number literal, or {@code [?(@.field)]} for presence. Unknown fields
 * yield no result, never an error, as kubectl shows an empty cell.
 */
final class JsonPath {

  private JsonPath() {}

  /** Every value the path selects, in document order. */
  static List<JsonNode> evaluate(JsonNode root, String path) {
    String expression = path.trim();
    if (expression.startsWith("{") && expression.endsWith("}")) {
      expression = expression.substring(1, expression.length() - 1);
    }
    List<JsonNode> current = new ArrayList<>(List.of(root));
    int i = expression.startsWith("$") ? 1 : 0;
    while (i < expression.length()) {
      char c = expression.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < expression.length() && ".[".indexOf(expression.charAt(end)) < 0) {
          end++;
        }
        String field = expression.substring(i + 1, end);
        current = field.equals("*") ? children(current) : field(current, field);
        i = end;
      } else if (c == '[') {
        int end = closing(expression, i);
        current = bracket(current, expression.substring(i + 1, end).trim());
        i = end + 1;
      } else {
        throw new IllegalArgumentException("unexpected '" + c + "' in JSONPath " + path);
      }
    }
    return current;
  }

  private static int closing(String expression, int open) {
    int depth = 0;
    boolean quoted = false;
    for (int i = open; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (c == '"' || c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '[') {
        depth++;
      } else if (!quoted && c == ']' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("unclosed [ in JSONPath " + expression);
  }

  private static List<JsonNode> field(List<JsonNode> nodes, String field) {
    List<JsonNode> result = new ArrayList<>();
    for (JsonNode node : nodes) {
      if (node.isObject() && node.has(field)) {
        result.add(node.get(field));
      }
    }
    return result;
  }

  private static List<JsonNode> children(List<JsonNode> nodes) {
    List<JsonNode> result = new ArrayList<>();
    for (JsonNode node : nodes) {
      node.forEach(result::add);
    }
    return result;
  }

  private static List<JsonNode> bracket(List<JsonNode> nodes, String inner) {
    if (inner.equals("*")) {
      return children(nodes);
    }
    if (inner.startsWith("'") || inner.startsWith("\"")) {
      return field(nodes, inner.substring(1, inner.length() - 1));
    }
    if (inner.startsWith("?(") && inner.endsWith(")")) {
      return filter(nodes, inner.substring(2, inner.length() - 1).trim());
    }
    List<JsonNode> result = new ArrayList<>();
    int index = Integer.parseInt(inner);
    for (JsonNode node : nodes) {
      if (node.isArray()) {
        int at = index < 0 ? node.size() + index : index;
        if (at >= 0 && at < node.size()) {
          result.add(node.get(at));
        }
      }
    }
    return result;
  }

  private static List<JsonNode> filter(List<JsonNode> nodes, String condition) {
    String[] operators = {"==", "!=", "<=", ">=", "<", ">"};
    String operator = null;
    int at = -1;
    for (String candidate : operators) {
      at = condition.indexOf(candidate);
      if (at > 0) {
        operator = candidate;
        break;
      }
    }
    String left = operator == null ? condition : condition.substring(0, at).trim();
    String right = operator == null ? null : condition.substring(at + operator.length()).trim();
    if (!left.startsWith("@")) {
      throw new IllegalArgumentException("unsupported filter " + condition);
    }
    String relative = left.substring(1);
    List<JsonNode> result = new ArrayList<>();
    for (JsonNode node : nodes) {
      for (JsonNode element : node.isArray() ? node : List.of(node)) {
        List<JsonNode> values = relative.isEmpty() ? List.of(element) : evaluate(element, relative);
        if (operator == null ? !values.isEmpty() : matches(values, operator, right)) {
          result.add(element);
        }
      }
    }
    return result;
  }

  private static boolean matches(List<JsonNode> values, String operator, String literal) {
    if (values.isEmpty()) {
      return false;
    }
    JsonNode value = values.get(0);
    int comparison;
    if (literal.startsWith("\"") || literal.startsWith("'")) {
      comparison = value.asText().compareTo(literal.substring(1, literal.length() - 1));
    } else if (value.isNumber()) {
      comparison = Double.compare(value.asDouble(), Double.parseDouble(literal));
    } else {
      comparison = value.asText().compareTo(literal);
    }
    return switch (operator) {
      case "==" -> comparison == 0;
      case "!=" -> comparison != 0;
      case "<" -> comparison < 0;
      case ">" -> comparison > 0;
      case "<=" -> comparison <= 0;
      default -> comparison >= 0;
    };
  }

  /**
   * How jsonpath's PrintResults writes one value: strings bare, numbers and booleans as text,
   * objects and arrays as compact JSON.
   */
  static String print(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isContainerNode()) {
      return Json.write(value);
    }
    return value.asText();
  }
}
