package io.akproxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the fields of one JSON object, collecting errors with their paths instead of stopping at
 * the first, and reporting fields nobody asked for as unknown. A field with a wrong type reports an
 * error and reads as its default, so the rest of the document is still checked.
 */
final class JsonFields {

  private final JsonNode node;
  private final String path;
  private final List<ConfigError> errors;
  private final Set<String> read = new HashSet<>();

  private JsonFields(JsonNode node, String path, List<ConfigError> errors) {
    this.node = node;
    this.path = path;
    this.errors = errors;
  }

  static JsonFields of(JsonNode node, String path, List<ConfigError> errors) {
    return new JsonFields(node, path, errors);
  }

  int integer(String name, int fallback) {
    JsonNode value = field(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      return wrongType(name, "an integer", value, fallback);
    }
    return value.intValue();
  }

  long longInteger(String name, long fallback) {
    JsonNode value = field(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      return wrongType(name, "an integer", value, fallback);
    }
    return value.longValue();
  }

  boolean bool(String name, boolean fallback) {
    JsonNode value = field(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isBoolean()) {
      return wrongType(name, "true or false", value, fallback);
    }
    return value.booleanValue();
  }

  String string(String name, String fallback) {
    JsonNode value = field(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isTextual()) {
      return wrongType(name, "a string", value, fallback);
    }
    return value.textValue();
  }

  /** A string that may be JSON {@code null} (or absent): then {@code null}. */
  String nullableString(String name) {
    JsonNode value = node.get(name);
    read.add(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      return wrongType(name, "a string or null", value, null);
    }
    return value.textValue();
  }

  List<String> strings(String name, List<String> fallback) {
    JsonNode value = field(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isArray()) {
      return wrongType(name, "an array of strings", value, fallback);
    }
    List<String> result = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      JsonNode element = value.get(i);
      if (element.isTextual()) {
        result.add(element.textValue());
      } else {
        errors.add(
            new ConfigError(
                child(name) + "[" + i + "]", "must be a string, not " + describe(element)));
      }
    }
    return result;
  }

  <T> T object(String name, T fallback, Function<JsonFields, T> reader) {
    JsonNode value = field(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isObject()) {
      return wrongType(name, "an object", value, fallback);
    }
    JsonFields fields = new JsonFields(value, child(name), errors);
    T result = reader.apply(fields);
    fields.rejectUnknown();
    return result;
  }

  /** Reports every field of this object that no reader asked for. */
  void rejectUnknown() {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!read.contains(name)) {
        errors.add(new ConfigError(child(name), "unknown field"));
      }
    }
  }

  /** The value of a non-nullable field, or {@code null} when absent (the default applies). */
  private JsonNode field(String name) {
    read.add(name);
    JsonNode value = node.get(name);
    if (value != null && value.isNull()) {
      errors.add(new ConfigError(child(name), "must not be null; leave it out for the default"));
      return null;
    }
    return value;
  }

  private <T> T wrongType(String name, String expected, JsonNode actual, T fallback) {
    errors.add(new ConfigError(child(name), "must be " + expected + ", not " + describe(actual)));
    return fallback;
  }

  private String child(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return "the string \"" + value.textValue() + "\"";
    }
    if (value.isNumber()) {
      return "the number " + value.asText();
    }
    if (value.isBoolean()) {
      return value.asText();
    }
    if (value.isNull()) {
      return "null";
    }
    return value.isArray() ? "an array" : "an object";
  }
}
