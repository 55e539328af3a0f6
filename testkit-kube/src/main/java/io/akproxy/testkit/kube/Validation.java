package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validation a real API server does that the operator can trip over: object names (DNS-1123
 * subdomain for most kinds, DNS-1035 label for Services, DNS-1123 label for Namespaces), label keys
 * and values, and immutable fields (Deployment selector, immutable ConfigMaps and Secrets, a
 * Secret's type, a Pod's spec). Messages follow apimachinery's validation package. Schema
 * validation of built-in kinds and of the CRD's OpenAPI schema/CEL rules is not simulated.
 */
final class Validation {

  private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
  private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
  private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  private Validation() {}

  static void validate(ResourceType type, ObjectNode object, ObjectNode old) {
    String name = Json.text(object, "metadata.name");
    if (old == null) {
      name(type, name);
    }
    labels(type, name, object.path("metadata").path("labels"));
    if (old != null) {
      immutable(type, name, object, old);
    }
  }

  static void name(ResourceType type, String name) {
    switch (type.kind()) {
      case "Service" -> check(type, name, DNS1035_LABEL, 63, "DNS-1035 label", dns1035Help());
      case "Namespace" -> check(type, name, DNS1123_LABEL, 63, "RFC 1123 label", labelHelp());
      default -> check(type, name, DNS1123_SUBDOMAIN, 253, "RFC 1123 subdomain", subdomainHelp());
    }
  }

  private static void check(
      ResourceType type, String name, Pattern pattern, int max, String what, String help) {
    if (name.length() > max) {
      throw ApiException.invalid(
          type,
          name,
          "metadata.name",
          "Invalid value: \"" + name + "\": must be no more than " + max + " characters");
    }
    if (!pattern.matcher(name).matches()) {
      throw ApiException.invalid(
          type,
          name,
          "metadata.name",
          "Invalid value: \"" + name + "\": a lowercase " + what + " " + help);
    }
  }

  private static String subdomainHelp() {
    return "must consist of lower case alphanumeric characters, '-' or '.', and must start and"
        + " end with an alphanumeric character (e.g. 'example.com', regex used for validation is '"
        + DNS1123_SUBDOMAIN.pattern()
        + "')";
  }

  private static String labelHelp() {
    return "must consist of lower case alphanumeric characters or '-', and must start and end"
        + " with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for"
        + " validation is '"
        + LABEL
        + "')";
  }

  private static String dns1035Help() {
    return "must consist of lower case alphanumeric characters or '-', start with an alphabetic"
        + " character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123',"
        + " regex used for validation is '"
        + DNS1035_LABEL.pattern()
        + "')";
  }

  private static void labels(ResourceType type, String name, JsonNode labels) {
    for (Map.Entry<String, JsonNode> label :
        (Iterable<Map.Entry<String, JsonNode>>) labels::fields) {
      String key = label.getKey();
      String keyName = key.contains("/") ? key.substring(key.indexOf('/') + 1) : key;
      if (keyName.length() > 63 || !QUALIFIED_NAME.matcher(keyName).matches()) {
        throw ApiException.invalid(
            type,
            name,
            "metadata.labels",
            "Invalid value: \""
                + key
                + "\": name part must be no more than 63 characters and"
                + " consist of alphanumeric characters, '-', '_' or '.'");
      }
      String value = label.getValue().asText();
      if (value.length() > 63) {
        throw ApiException.invalid(
            type,
            name,
            "metadata.labels",
            "Invalid value: \"" + value + "\": must be no more than 63 characters");
      }
      if (!LABEL_VALUE.matcher(value).matches()) {
        throw ApiException.invalid(
            type,
            name,
            "metadata.labels",
            "Invalid value: \""
                + value
                + "\": a valid label must be an empty string or consist of alphanumeric"
                + " characters, '-', '_' or '.', and must start and end with an alphanumeric"
                + " character");
      }
    }
  }

  private static void immutable(ResourceType type, String name, ObjectNode object, JsonNode old) {
    switch (type.kind()) {
      case "Deployment", "ReplicaSet" -> {
        JsonNode selector = object.path("spec").path("selector");
        JsonNode oldSelector = old.path("spec").path("selector");
        if (!selector.equals(oldSelector)) {
          throw ApiException.invalid(
              type,
              name,
              "spec.selector",
              "Invalid value: " + Json.write(selector) + ": field is immutable");
        }
      }
      case "ConfigMap", "Secret" -> {
        if (old.path("immutable").asBoolean(false)) {
          if (!object.path("immutable").asBoolean(false)) {
            throw ApiException.invalid(
                type, name, "immutable", "Forbidden: field is immutable when `immutable` is set");
          }
          for (String field : new String[] {"data", "binaryData"}) {
            if (!object.path(field).equals(old.path(field))) {
              throw ApiException.invalid(
                  type, name, field, "Forbidden: field is immutable when `immutable` is set");
            }
          }
        }
        if (type.kind().equals("Secret") && !object.path("type").equals(old.path("type"))) {
          throw ApiException.invalid(
              type,
              name,
              "type",
              "Invalid value: \"" + object.path("type").asText() + "\": field is immutable");
        }
      }
      case "Pod" -> {
        JsonNode spec = withoutImages(object.path("spec"));
        if (!spec.equals(withoutImages(old.path("spec")))) {
          throw ApiException.invalid(
              type,
              name,
              "spec",
              "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
                  + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                  + "`spec.tolerations` (only additions to existing tolerations),"
                  + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was"
                  + " previously negative)");
        }
      }
      default -> {}
    }
  }

  private static JsonNode withoutImages(JsonNode spec) {
    JsonNode copy = spec.deepCopy();
    for (ObjectNode container : Json.objects(copy.get("containers"))) {
      container.remove("image");
    }
    return copy;
  }
}
