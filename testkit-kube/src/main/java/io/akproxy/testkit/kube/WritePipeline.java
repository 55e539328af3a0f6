package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Random;
import java.util.UUID;

/**
 * Turns what a client sent into what the server stores, in the order a real API server does it:
 * identity and concurrency checks, the status subresource split, Go's omitempty and the defaulters
 * (built-in kinds) or the CRD schema's defaults (custom resources), validation, server-owned
 * metadata, and the generation bump on spec changes.
 */
final class WritePipeline {

  private static final String NAME_SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  private final Defaulting defaulting = new Defaulting();
  private final Clock clock;
  private final Random random = new Random();

  WritePipeline(Clock clock) {
    this.clock = clock;
  }

  /** A new object for {@code POST}. */
  ObjectNode create(ResourceType type, String namespace, ObjectNode incoming) {
    identify(type, namespace, null, incoming);
    ObjectNode metadata = Json.metadata(incoming);
    if (!metadata.hasNonNull("name") || metadata.get("name").asText().isEmpty()) {
      String prefix = Json.text(incoming, "metadata.generateName");
      if (prefix == null || prefix.isEmpty()) {
        throw ApiException.invalid(
            type, "", "metadata.name", "Required value: name or generateName is required");
      }
      metadata.put("name", prefix + randomSuffix(5));
    }
    ObjectNode object = StatusSubresource.mainWrite(type, incoming, null);
    storageForm(type, object, null);
    StatusSubresource.onCreate(type, object);
    Validation.validate(type, object, null);
    object = Json.canonical(object);
    metadata = Json.metadata(object);
    metadata.remove("resourceVersion");
    metadata.remove("deletionTimestamp");
    metadata.remove("deletionGracePeriodSeconds");
    metadata.put("uid", UUID.randomUUID().toString());
    metadata.put("creationTimestamp", Json.timestamp(clock.instant()));
    if (type.tracksGeneration()) {
      metadata.put("generation", 1);
    } else {
      metadata.remove("generation");
    }
    return Json.canonical(object);
  }

  /**
   * The object that replaces {@code old} after a PUT (or a patch, already applied to a copy of old)
   * of the main resource or of {@code /status}.
   *
   * @param requireVersion PUTs of custom resources must carry a resourceVersion
   */
  ObjectNode update(
      ResourceType type,
      String namespace,
      String name,
      ObjectNode incoming,
      ObjectNode old,
      boolean statusWrite,
      boolean requireVersion) {
    identify(type, namespace, name, incoming);
    checkVersion(type, name, incoming, old, requireVersion);
    ObjectNode object =
        statusWrite
            ? StatusSubresource.statusWrite(incoming, old)
            : StatusSubresource.mainWrite(type, incoming, old);
    storageForm(type, object, old);
    object = Json.canonical(object);
    Validation.validate(type, object, old);
    ObjectNode metadata = Json.metadata(object);
    JsonNode oldMetadata = old.path("metadata");
    for (String owned :
        new String[] {
          "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"
        }) {
      if (oldMetadata.has(owned)) {
        metadata.set(owned, oldMetadata.get(owned).deepCopy());
      } else {
        metadata.remove(owned);
      }
    }
    metadata.remove("generateName");
    if (oldMetadata.has("generateName")) {
      metadata.set("generateName", oldMetadata.get("generateName").deepCopy());
    }
    if (type.tracksGeneration()) {
      long generation = oldMetadata.path("generation").asLong(1);
      metadata.put("generation", specChanged(object, old) ? generation + 1 : generation);
    } else {
      metadata.remove("generation");
    }
    metadata.set("resourceVersion", oldMetadata.get("resourceVersion"));
    return Json.canonical(object);
  }

  /** Go's encoding (omitempty) and the defaulters for built-ins; the CRD's defaults for others. */
  private void storageForm(ResourceType type, ObjectNode object, ObjectNode old) {
    if (type.builtIn()) {
      Omitempty.prune(type.kind(), object);
      defaulting.apply(type, object, old);
    } else {
      SchemaDefaults.apply(type, object);
    }
  }

  private static void identify(
      ResourceType type, String namespace, String pathName, ObjectNode incoming) {
    String apiVersion = Json.text(incoming, "apiVersion");
    String kind = Json.text(incoming, "kind");
    if ((apiVersion != null && !apiVersion.equals(type.apiVersion()))
        || (kind != null && !kind.equals(type.kind()))) {
      throw ApiException.badRequest(
          "the API version in the data ("
              + apiVersion
              + ") does not match the expected API version ("
              + type.apiVersion()
              + ") or the kind ("
              + kind
              + ") is not "
              + type.kind());
    }
    incoming.put("apiVersion", type.apiVersion());
    incoming.put("kind", type.kind());
    ObjectNode metadata = Json.metadata(incoming);
    if (pathName != null) {
      String bodyName = Json.text(metadata, "name");
      if (bodyName != null && !bodyName.isEmpty() && !bodyName.equals(pathName)) {
        throw ApiException.badRequest(
            "the name of the object ("
                + bodyName
                + ") does not match the name on the URL ("
                + pathName
                + ")");
      }
      metadata.put("name", pathName);
    }
    if (type.namespaced()) {
      String bodyNamespace = Json.text(metadata, "namespace");
      if (bodyNamespace != null && !bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
        throw ApiException.badRequest(
            "the namespace of the provided object does not match the namespace sent on the request");
      }
      metadata.put("namespace", namespace);
    } else {
      metadata.remove("namespace");
    }
  }

  private static void checkVersion(
      ResourceType type, String name, ObjectNode incoming, ObjectNode old, boolean required) {
    String sent = Json.text(incoming, "metadata.resourceVersion");
    if (sent == null || sent.isEmpty()) {
      if (required) {
        throw ApiException.invalid(
            type,
            name,
            "metadata.resourceVersion",
            "Invalid value: 0x0: must be specified for an update");
      }
      return;
    }
    if (!sent.equals(Json.text(old, "metadata.resourceVersion"))) {
      throw ApiException.conflict(type, name);
    }
  }

  /** Everything outside metadata and status is spec, for generation purposes. */
  private static boolean specChanged(ObjectNode object, JsonNode old) {
    ObjectNode a = object.deepCopy();
    ObjectNode b = (ObjectNode) old.deepCopy();
    for (ObjectNode o : new ObjectNode[] {a, b}) {
      o.remove("metadata");
      o.remove("status");
    }
    return !a.equals(b);
  }

  private String randomSuffix(int length) {
    StringBuilder suffix = new StringBuilder();
    synchronized (random) {
      for (int i = 0; i < length; i++) {
        suffix.append(NAME_SUFFIX_CHARS.charAt(random.nextInt(NAME_SUFFIX_CHARS.length())));
      }
    }
    return suffix.toString();
  }

  String randomSuffixForNames(int length) {
    return randomSuffix(length);
  }
}
