package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Label selectors ({@code a=b}, {@code a!=b}, {@code a in (x,y)}, {@code a notin (x)}, {@code a},
 * {@code !a}) and field selectors ({@code metadata.name=x}, {@code involvedObject.uid!=y}) as the
 * API server evaluates them on lists and watches. Field selectors work on any field here, where a
 * real server allows only a few per kind.
 */
final class Selectors {

  private Selectors() {}

  static Predicate<JsonNode> labels(String selector) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Predicate<JsonNode>> requirements = new ArrayList<>();
    for (String requirement : splitTopLevel(selector)) {
      requirements.add(labelRequirement(requirement.trim()));
    }
    return o -> requirements.stream().allMatch(r -> r.test(o.path("metadata").path("labels")));
  }

  private static Predicate<JsonNode> labelRequirement(String text) {
    String lower = text;
    int in = indexOfWord(lower, " in ");
    int notIn = indexOfWord(lower, " notin ");
    if (notIn > 0) {
      String key = text.substring(0, notIn).trim();
      Set<String> values = valueSet(text.substring(notIn + " notin ".length()));
      return labels -> !labels.has(key) || !values.contains(labels.get(key).asText());
    }
    if (in > 0) {
      String key = text.substring(0, in).trim();
      Set<String> values = valueSet(text.substring(in + " in ".length()));
      return labels -> labels.has(key) && values.contains(labels.get(key).asText());
    }
    if (text.contains("!=")) {
      String[] parts = text.split("!=", 2);
      String key = parts[0].trim();
      String value = parts[1].trim();
      return labels -> !labels.has(key) || !labels.get(key).asText().equals(value);
    }
    if (text.contains("=")) {
      String[] parts = text.split("==?", 2);
      String key = parts[0].trim();
      String value = parts[1].trim();
      return labels -> labels.has(key) && labels.get(key).asText().equals(value);
    }
    if (text.startsWith("!")) {
      String key = text.substring(1).trim();
      return labels -> !labels.has(key);
    }
    return labels -> labels.has(text);
  }

  private static int indexOfWord(String text, String word) {
    return text.indexOf(word);
  }

  private static Set<String> valueSet(String parenthesised) {
    String inner = parenthesised.trim();
    if (!inner.startsWith("(") || !inner.endsWith(")")) {
      throw ApiException.badRequest("unable to parse requirement: " + parenthesised);
    }
    Set<String> values = new java.util.HashSet<>();
    for (String value : inner.substring(1, inner.length() - 1).split(",")) {
      values.add(value.trim());
    }
    return values;
  }

  /** Commas inside {@code (x,y)} belong to a set, not to the list of requirements. */
  private static List<String> splitTopLevel(String selector) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(selector.substring(start));
    return parts;
  }

  static Predicate<JsonNode> fields(String selector) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Predicate<JsonNode>> requirements = new ArrayList<>();
    for (String requirement : selector.split(",")) {
      requirements.add(fieldRequirement(requirement.trim()));
    }
    return o -> requirements.stream().allMatch(r -> r.test(o));
  }

  private static Predicate<JsonNode> fieldRequirement(String text) {
    boolean negated = text.contains("!=");
    String[] parts = negated ? text.split("!=", 2) : text.split("==?", 2);
    if (parts.length != 2) {
      throw ApiException.badRequest("invalid selector: '" + text + "'; can't understand it");
    }
    String path = parts[0].trim();
    String value = parts[1].trim();
    return o -> {
      String actual = Json.text(o, path);
      boolean equal = value.equals(actual == null ? "" : actual);
      return negated != equal;
    };
  }

  /** The name a {@code metadata.name=<name>} field selector pins, if it pins one. */
  static String pinnedName(String fieldSelector) {
    if (fieldSelector == null) {
      return null;
    }
    for (String requirement : fieldSelector.split(",")) {
      String[] parts = requirement.split("==?", 2);
      if (parts.length == 2 && parts[0].trim().equals("metadata.name") && !parts[0].endsWith("!")) {
        return parts[1].trim();
      }
    }
    return null;
  }
}
