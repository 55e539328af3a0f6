package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Just enough OpenAPI v3 for kubectl: the {@code /openapi/v3} index and, per group version, a
 * document whose PATCH operations name their kind ({@code x-kubernetes-group-version-kind}) and
 * accept {@code fieldValidation}. kubectl's field-validation check (cli-runtime's
 * QueryParamVerifierV3) then leaves validation to the server instead of downloading schemas for
 * client-side validation. Custom resources carry their CRD's schema, so {@code kubectl explain akp}
 * works as on a real cluster; built-in kinds have none ({@code kubectl explain deploy} fails), and
 * {@code /openapi/v2} is a 404 (kubectl falls back to its built-in types for strategic merge).
 */
final class OpenApi {

  private final ResourceTypes types;

  OpenApi(ResourceTypes types) {
    this.types = types;
  }

  /** The document for {@code path} (without query), or null. */
  JsonNode document(String path) {
    if (path.equals("/openapi/v3") || path.equals("/openapi/v3/")) {
      return index();
    }
    if (path.startsWith("/openapi/v3/")) {
      return groupVersion(path.substring("/openapi/v3/".length()));
    }
    return null;
  }

  private ObjectNode index() {
    ObjectNode index = Json.object();
    ObjectNode paths = index.putObject("paths");
    for (String groupVersion : groupVersionPaths()) {
      paths
          .putObject(groupVersion)
          .put("serverRelativeURL", "/openapi/v3/" + groupVersion + "?hash=" + hash(groupVersion));
    }
    return index;
  }

  private Set<String> groupVersionPaths() {
    Set<String> paths = new LinkedHashSet<>();
    for (ResourceType type : types.all()) {
      paths.add(prefix(type));
    }
    return paths;
  }

  private static String prefix(ResourceType type) {
    return type.group().isEmpty()
        ? "api/" + type.version()
        : "apis/" + type.group() + "/" + type.version();
  }

  /** Changes when the kinds of the group version change, so kubectl's cache stays honest. */
  private String hash(String groupVersion) {
    StringBuilder kinds = new StringBuilder();
    for (ResourceType type : types.all()) {
      if (prefix(type).equals(groupVersion)) {
        kinds.append(type.kind()).append(',');
      }
    }
    return Integer.toHexString(kinds.toString().hashCode());
  }

  /** The apiserver's name for a CRD's schema: the group reversed, {@code io.akproxy.v1alpha1.X}. */
  private static String schemaName(ResourceType type) {
    List<String> parts = new ArrayList<>(List.of(type.group().split("\\.")));
    Collections.reverse(parts);
    return String.join(".", parts) + "." + type.version() + "." + type.kind();
  }

  /**
   * The CRD version's {@code openAPIV3Schema} as the apiserver publishes it: with {@code
   * apiVersion}, {@code kind} and {@code metadata} described, and the kind it belongs to, which is
   * what {@code kubectl explain} looks the schema up by.
   */
  private static ObjectNode customResourceSchema(ResourceType type) {
    JsonNode declared = type.crd().path("schema").path("openAPIV3Schema");
    ObjectNode schema = declared.isObject() ? (ObjectNode) declared.deepCopy() : Json.object();
    schema.put("type", "object");
    ObjectNode properties = Json.objectAt(schema, "properties");
    properties
        .putObject("apiVersion")
        .put("type", "string")
        .put(
            "description",
            "APIVersion defines the versioned schema of this representation of an object.");
    properties
        .putObject("kind")
        .put("type", "string")
        .put(
            "description",
            "Kind is a string value representing the REST resource this object" + " represents.");
    properties
        .putObject("metadata")
        .put("type", "object")
        .put("description", "Standard object's metadata.");
    ObjectNode gvk = schema.putArray("x-kubernetes-group-version-kind").addObject();
    gvk.put("group", type.group());
    gvk.put("kind", type.kind());
    gvk.put("version", type.version());
    return schema;
  }

  private ObjectNode groupVersion(String groupVersion) {
    ObjectNode document = Json.object();
    document.put("openapi", "3.0.0");
    ObjectNode info = document.putObject("info");
    info.put("title", "Kubernetes");
    info.put("version", "unversioned");
    ObjectNode paths = document.putObject("paths");
    boolean any = false;
    for (ResourceType type : types.all()) {
      if (!prefix(type).equals(groupVersion) || type.createOnly()) {
        continue;
      }
      any = true;
      String collection =
          "/"
              + prefix(type)
              + (type.namespaced() ? "/namespaces/{namespace}/" : "/")
              + type.plural();
      ObjectNode patch = paths.putObject(collection + "/{name}").putObject("patch");
      ObjectNode gvk = patch.putObject("x-kubernetes-group-version-kind");
      gvk.put("group", type.group());
      gvk.put("version", type.version());
      gvk.put("kind", type.kind());
      ObjectNode parameter = patch.putArray("parameters").addObject();
      parameter.put("name", "fieldValidation");
      parameter.put("in", "query");
      parameter.putObject("schema").put("type", "string");
      patch.putObject("responses").putObject("200").put("description", "OK");
    }
    ObjectNode schemas = document.putObject("components").putObject("schemas");
    for (ResourceType type : types.all()) {
      if (prefix(type).equals(groupVersion) && type.isCustom()) {
        schemas.set(schemaName(type), customResourceSchema(type));
      }
    }
    return any ? document : null;
  }
}
