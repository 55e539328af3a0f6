package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The legacy discovery documents kubectl and clients read to map {@code akp} or {@code deploy} to a
 * URL: {@code /version}, {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>} and
 * {@code /apis/<group>/<version>}, listing every kind served, custom resources included, with short
 * names, categories and verbs. Aggregated discovery (apidiscovery.k8s.io) is not served: clients
 * that ask for it get the legacy documents (as plain application/json) and fall back, as they do
 * against older servers.
 */
final class Discovery {

  /**
   * The Kubernetes version the simulation claims by default: kubectl 1.32's own, so it never warns
   * about skew.
   */
  static final int DEFAULT_MAJOR = 1;

  static final int DEFAULT_MINOR = 32;

  private final ResourceTypes types;
  private final int major;
  private final int minor;

  Discovery(ResourceTypes types, int major, int minor) {
    this.types = types;
    this.major = major;
    this.minor = minor;
  }

  /** The document for a discovery path, or null when the path is not one. */
  ObjectNode document(String path) {
    String trimmed =
        path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    if (trimmed.equals("/version")) {
      return version();
    }
    if (trimmed.equals("/api")) {
      ObjectNode versions = Json.object();
      versions.put("kind", "APIVersions");
      versions.putArray("versions").add("v1");
      ObjectNode address = versions.putArray("serverAddressByClientCIDRs").addObject();
      address.put("clientCIDR", "0.0.0.0/0");
      address.put("serverAddress", "127.0.0.1:443");
      return versions;
    }
    if (trimmed.equals("/apis")) {
      return groupList();
    }
    String[] parts = trimmed.split("/");
    if (parts.length == 3 && parts[1].equals("api")) {
      return resourceList("", parts[2]);
    }
    if (parts.length == 3 && parts[1].equals("apis")) {
      return groups().containsKey(parts[2]) ? group(parts[2], groups().get(parts[2])) : null;
    }
    if (parts.length == 4 && parts[1].equals("apis")) {
      return resourceList(parts[2], parts[3]);
    }
    return null;
  }

  private ObjectNode version() {
    ObjectNode version = Json.object();
    version.put("major", String.valueOf(major));
    version.put("minor", String.valueOf(minor));
    version.put("gitVersion", "v" + major + "." + minor + ".0-testkit");
    version.put("gitCommit", "0000000000000000000000000000000000000000");
    version.put("gitTreeState", "clean");
    version.put("buildDate", "2024-12-11T00:00:00Z");
    version.put("goVersion", "go1.23.4");
    version.put("compiler", "gc");
    version.put("platform", "linux/amd64");
    return version;
  }

  /** Groups other than core, each with its versions, in the order kinds were registered. */
  private Map<String, Set<String>> groups() {
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    for (ResourceType type : types.all()) {
      if (!type.group().isEmpty()) {
        groups.computeIfAbsent(type.group(), g -> new LinkedHashSet<>()).add(type.version());
      }
    }
    return groups;
  }

  private ObjectNode groupList() {
    ObjectNode list = Json.object();
    list.put("kind", "APIGroupList");
    list.put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    groups().forEach((name, versions) -> groups.add(group(name, versions)));
    return list;
  }

  private static ObjectNode group(String name, Set<String> versions) {
    ObjectNode group = Json.object();
    group.put("kind", "APIGroup");
    group.put("apiVersion", "v1");
    group.put("name", name);
    ArrayNode versionList = group.putArray("versions");
    for (String version : versions) {
      ObjectNode v = versionList.addObject();
      v.put("groupVersion", name + "/" + version);
      v.put("version", version);
    }
    ObjectNode preferred = group.putObject("preferredVersion");
    String first = versions.iterator().next();
    preferred.put("groupVersion", name + "/" + first);
    preferred.put("version", first);
    return group;
  }

  private ObjectNode resourceList(String group, String version) {
    List<ResourceType> served =
        types.all().stream()
            .filter(t -> t.group().equals(group) && t.version().equals(version))
            .toList();
    if (served.isEmpty()) {
      return null;
    }
    ObjectNode list = Json.object();
    list.put("kind", "APIResourceList");
    list.put("apiVersion", "v1");
    list.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = list.putArray("resources");
    for (ResourceType type : served) {
      ObjectNode resource = resources.addObject();
      resource.put("name", type.plural());
      resource.put("singularName", type.singular());
      resource.put("namespaced", type.namespaced());
      resource.put("kind", type.kind());
      ArrayNode verbs = resource.putArray("verbs");
      type.verbs().forEach(verbs::add);
      if (!type.shortNames().isEmpty()) {
        ArrayNode shortNames = resource.putArray("shortNames");
        type.shortNames().forEach(shortNames::add);
      }
      if (!type.categories().isEmpty()) {
        ArrayNode categories = resource.putArray("categories");
        type.categories().forEach(categories::add);
      }
      if (type.statusSubresource()) {
        ObjectNode status = resources.addObject();
        status.put("name", type.plural() + "/status");
        status.put("singularName", "");
        status.put("namespaced", type.namespaced());
        status.put("kind", type.kind());
        ArrayNode statusVerbs = status.putArray("verbs");
        List.of("get", "patch", "update").forEach(statusVerbs::add);
      }
    }
    return list;
  }
}
