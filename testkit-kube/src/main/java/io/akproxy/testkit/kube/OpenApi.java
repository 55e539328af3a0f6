package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Just enough OpenAPI v3 for kubectl: the {@code /openapi/v3} index and, per group version, a
 * document whose PATCH operations name their kind ({@code x-kubernetes-group-version-kind}) and
 * accept {@code fieldValidation}. kubectl's field-validation check (cli-runtime's
 * QueryParamVerifierV3) then leaves validation to the server instead of downloading schemas for
 * client-side validation. No schemas are served: {@code kubectl explain} does not work, and {@code
 * /openapi/v2} is a 404 (kubectl falls back to its built-in types for strategic merge).
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

  private ObjectNode groupVersion(String groupVersion) {
    ObjectNode document = Json.object();
    document.put("openapi", "3.0.0");
    ObjectNode info = document.putObject("info");
    info.put("title", "Kubernetes");
    info.put("version", "v1." + Discovery.MINOR + ".0");
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
    document.putObject("components").putObject("schemas");
    return any ? document : null;
  }
}
