package io.akproxy.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.akproxy.config.Cidr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates an AuthentikProxy the way the API server and {@code kubectl apply} would: defaults
 * applied, the OpenAPI schema checked with unknown fields rejected (kubectl's strict field
 * validation), then every CEL rule evaluated where it sits. Only {@code isCIDR} from Kubernetes'
 * CEL libraries is used by the CRD, and it is provided here.
 */
final class CrdSchemaValidator {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final JsonNode specSchema;

  /** The rules on the whole object: the API server gives them metadata.name and the spec. */
  private final ObjectNode rootRules;

  private final JsonSchema jsonSchema;
  private final CelCompiler compiler;
  private final CelRuntime runtime;

  CrdSchemaValidator(Path crd) throws IOException {
    JsonNode root = YAML.readTree(Files.readString(crd));
    specSchema = root.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec").deepCopy();
    rootRules = YAML.createObjectNode();
    JsonNode rules = root.at("/spec/versions/0/schema/openAPIV3Schema/x-kubernetes-validations");
    if (!rules.isMissingNode()) {
      rootRules.set("x-kubernetes-validations", rules.deepCopy());
    }
    JsonNode strict = specSchema.deepCopy();
    forbidUnknownFields(strict);
    jsonSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strict);
    compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addFunctionDeclarations(
                CelFunctionDecl.newFunctionDeclaration(
                    "isCIDR",
                    CelOverloadDecl.newGlobalOverload(
                        "isCIDR_string", SimpleType.BOOL, SimpleType.STRING)))
            .build();
    runtime =
        CelRuntimeFactory.standardCelRuntimeBuilder()
            .addFunctionBindings(
                CelFunctionBinding.from(
                    "isCIDR_string", String.class, text -> Cidr.parse(text).isPresent()))
            .build();
  }

  /** Every reason the API server would reject this resource's spec; empty when admitted. */
  List<String> validate(JsonNode resource) {
    List<String> errors = new ArrayList<>();
    JsonNode spec = resource.get("spec");
    if (spec == null) {
      errors.add("spec: Required value");
      return errors;
    }
    JsonNode defaulted = spec.deepCopy();
    applyDefaults(specSchema, defaulted);
    for (ValidationMessage message : jsonSchema.validate(defaulted)) {
      errors.add("schema: " + message.getMessage());
    }
    if (errors.isEmpty()) {
      evaluateRules("spec", specSchema, defaulted, errors);
      ObjectNode whole = YAML.createObjectNode();
      whole.putObject("metadata").put("name", resource.path("metadata").path("name").asText());
      whole.set("spec", defaulted);
      evaluateRules("", rootRules, whole, errors);
    }
    return errors;
  }

  /** Every CEL rule in the schema compiles, as the API server checks when the CRD is applied. */
  List<String> compileAll() {
    List<String> errors = new ArrayList<>();
    compileAll("spec", specSchema, errors);
    compileAll("", rootRules, errors);
    return errors;
  }

  private void compileAll(String path, JsonNode schema, List<String> errors) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      try {
        compiler.compile(rule.get("rule").asText()).getAst();
      } catch (Exception e) {
        errors.add(path + ": " + rule.get("rule").asText() + ": " + e.getMessage());
      }
    }
    schema
        .path("properties")
        .fields()
        .forEachRemaining(f -> compileAll(path + "." + f.getKey(), f.getValue(), errors));
    if (schema.has("items")) {
      compileAll(path + "[]", schema.get("items"), errors);
    }
  }

  private void evaluateRules(String path, JsonNode schema, JsonNode value, List<String> errors) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.get("rule").asText();
      try {
        Object result =
            runtime
                .createProgram(compiler.compile(expression).getAst())
                .eval(Map.of("self", toCel(value)));
        if (!Boolean.TRUE.equals(result)) {
          errors.add(path + ": " + rule.path("message").asText(expression));
        }
      } catch (Exception e) {
        errors.add(path + ": rule " + expression + " failed: " + e.getMessage());
      }
    }
    if (value.isObject()) {
      schema
          .path("properties")
          .fields()
          .forEachRemaining(
              f -> {
                if (value.has(f.getKey())) {
                  evaluateRules(
                      path + "." + f.getKey(), f.getValue(), value.get(f.getKey()), errors);
                }
              });
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        evaluateRules(path + "[" + i + "]", schema.get("items"), value.get(i), errors);
      }
    }
  }

  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> map.put(f.getKey(), toCel(f.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }

  /** The API server's defaulting: a missing property with a default gets it, recursively. */
  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      schema
          .path("properties")
          .fields()
          .forEachRemaining(
              f -> {
                if (!object.has(f.getKey()) && f.getValue().has("default")) {
                  object.set(f.getKey(), f.getValue().get("default").deepCopy());
                }
                if (object.has(f.getKey())) {
                  applyDefaults(f.getValue(), object.get(f.getKey()));
                }
              });
    } else if (value.isArray() && schema.has("items")) {
      value.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  /** kubectl's strict field validation: a field the schema does not know is an error. */
  private static void forbidUnknownFields(JsonNode schema) {
    if (schema instanceof ObjectNode object) {
      if (object.has("properties")
          && !object.has("additionalProperties")
          && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        object.put("additionalProperties", false);
      }
      Iterator<JsonNode> children = object.elements();
      while (children.hasNext()) {
        forbidUnknownFields(children.next());
      }
    } else if (schema.isArray()) {
      schema.forEach(CrdSchemaValidator::forbidUnknownFields);
    }
  }
}
