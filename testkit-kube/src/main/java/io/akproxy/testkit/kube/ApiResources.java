package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The REST semantics of resource paths: get, list (selectors, pagination), create, update, patch,
 * the status subresource, delete (finalizers, propagation) and watch. Everything here works on JSON
 * trees; the HTTP layer ({@link HttpFront}) only moves bytes and converts to Tables.
 */
final class ApiResources {

  private final ResourceTypes types;
  private final Store store;
  private final Watches watches;
  private final WritePipeline pipeline;
  private final Clock clock;

  ApiResources(ResourceTypes types, Store store, Watches watches, Clock clock) {
    this.types = types;
    this.store = store;
    this.watches = watches;
    this.clock = clock;
    this.pipeline = new WritePipeline(clock);
  }

  ResourceType type(ApiPath path) {
    return types
        .find(path.group(), path.version(), path.plural())
        .orElseThrow(
            () ->
                new ApiException(
                    404,
                    "NotFound",
                    "the server could not find the requested resource (" + path.plural() + ")"));
  }

  ResourceTypes types() {
    return types;
  }

  Store store() {
    return store;
  }

  // ---- reads ----

  ObjectNode get(ResourceType type, String namespace, String name) {
    return store
        .get(Store.Key.of(type, namespace, name))
        .orElseThrow(() -> ApiException.notFound(type, name));
  }

  Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
    return store.get(Store.Key.of(type, namespace, name));
  }

  /**
   * A list response: items of the kind in the namespace (or all), filtered by selectors, one page
   * of {@code limit} items when asked, with the list's resourceVersion and a continue token.
   */
  ObjectNode list(ResourceType type, ApiPath path) {
    Predicate<JsonNode> selector = selector(path);
    String namespace = type.namespaced() ? path.namespace() : null;
    long listVersion;
    List<ObjectNode> items;
    synchronized (store) {
      listVersion = store.resourceVersion();
      items = store.list(type.group(), type.plural(), namespace).stream().filter(selector).toList();
    }
    checkListVersion(path);
    String after = null;
    String continueToken = path.param("continue");
    if (continueToken != null && !continueToken.isEmpty()) {
      ContinueToken token = ContinueToken.decode(continueToken);
      if (token.resourceVersion() <= store.compactedThrough()) {
        throw new ApiException(
            410,
            "Expired",
            "The provided continue parameter is too old to display a consistent list result. You"
                + " can start a new list without the continue parameter, or use the continue token"
                + " in this response to retrieve the remainder of the results.");
      }
      after = token.lastKey();
      listVersion = token.resourceVersion();
    }
    int limit = parseInt(path.param("limit"), 0);
    ObjectNode list = Json.object();
    list.put("kind", type.listKind());
    list.put("apiVersion", type.apiVersion());
    ObjectNode metadata = list.putObject("metadata");
    metadata.put("resourceVersion", String.valueOf(listVersion));
    ArrayNode array = list.putArray("items");
    int remaining = 0;
    String lastKey = null;
    for (ObjectNode item : items) {
      String key = sortKey(item);
      if (after != null && key.compareTo(after) <= 0) {
        continue;
      }
      if (limit > 0 && array.size() >= limit) {
        remaining++;
        continue;
      }
      if (type.builtIn()) {
        // Typed lists carry kind and apiVersion once, on the list, not on each item.
        item.remove("kind");
        item.remove("apiVersion");
      }
      array.add(item);
      lastKey = key;
    }
    if (remaining > 0) {
      metadata.put("continue", new ContinueToken(listVersion, lastKey).encode());
      metadata.put("remainingItemCount", remaining);
    }
    return list;
  }

  private void checkListVersion(ApiPath path) {
    String version = path.param("resourceVersion");
    if ("Exact".equals(path.param("resourceVersionMatch"))
        && version != null
        && !version.isEmpty()
        && Long.parseLong(version) <= store.compactedThrough()) {
      throw ApiException.gone("too old resource version: " + version);
    }
  }

  private static String sortKey(JsonNode item) {
    String namespace = Json.text(item, "metadata.namespace");
    return (namespace == null ? "" : namespace) + "/" + Json.text(item, "metadata.name");
  }

  static Predicate<JsonNode> selector(ApiPath path) {
    return Selectors.labels(path.param("labelSelector"))
        .and(Selectors.fields(path.param("fieldSelector")));
  }

  /**
   * Starts a watch; see {@link Watches#start}. A {@code resourceVersion} of "" or "0" means now.
   */
  Runnable watch(ResourceType type, ApiPath path, Watches.Sink sink) {
    String version = path.param("resourceVersion");
    long since =
        version == null || version.isEmpty() || version.equals("0") ? -1 : Long.parseLong(version);
    Predicate<JsonNode> selector = selector(path);
    if (path.name() != null) {
      String name = path.name();
      selector = selector.and(o -> name.equals(Json.text(o, "metadata.name")));
    }
    return watches.start(type, type.namespaced() ? path.namespace() : null, selector, since, sink);
  }

  // ---- writes ----

  ObjectNode create(ResourceType type, String namespace, ObjectNode incoming) {
    return create(type, namespace, incoming, false);
  }

  /**
   * POST. With {@code dryRun} ({@code ?dryRun=All}: {@code kubectl diff}, {@code apply
   * --dry-run=server}) the object goes through defaulting and validation and is answered as it
   * would be stored, and nothing is stored.
   */
  ObjectNode create(ResourceType type, String namespace, ObjectNode incoming, boolean dryRun) {
    if (type.createOnly()) {
      return Reviews.answer(type, incoming);
    }
    synchronized (store) {
      if (type.namespaced()) {
        requireNamespace(namespace);
      }
      ObjectNode object = pipeline.create(type, namespace, incoming);
      String name = Json.text(object, "metadata.name");
      Store.Key key = Store.Key.of(type, namespace, name);
      if (store.get(key).isPresent()) {
        throw ApiException.alreadyExists(type, name);
      }
      if (dryRun) {
        return object;
      }
      ObjectNode stored = store.put(key, object);
      if (type.kind().equals("CustomResourceDefinition")) {
        types.registerCrd(stored);
        stored = establish(key, stored);
      }
      return stored;
    }
  }

  private void requireNamespace(String namespace) {
    ResourceType namespaces = types.find("", "v1", "namespaces").orElseThrow();
    Optional<ObjectNode> found = store.get(Store.Key.of(namespaces, null, namespace));
    if (found.isEmpty()) {
      throw new ApiException(404, "NotFound", "namespaces \"" + namespace + "\" not found");
    }
    if (found.get().path("metadata").has("deletionTimestamp")) {
      throw new ApiException(
          403,
          "Forbidden",
          "unable to create new content in namespace "
              + namespace
              + " because it is being terminated");
    }
  }

  /** A real server marks a CRD Established and NamesAccepted once its names are served. */
  private ObjectNode establish(Store.Key key, ObjectNode crd) {
    ObjectNode status = Json.objectAt(crd, "status");
    ArrayNode conditions = status.putArray("conditions");
    for (String condition : new String[] {"NamesAccepted", "Established"}) {
      ObjectNode c = conditions.addObject();
      c.put("type", condition);
      c.put("status", "True");
      c.put("reason", condition.equals("Established") ? "InitialNamesAccepted" : "NoConflicts");
      c.put("lastTransitionTime", Json.timestamp(clock.instant()));
    }
    status.set("acceptedNames", crd.path("spec").path("names").deepCopy());
    status.putArray("storedVersions").add(storedVersion(crd));
    return store.put(key, crd);
  }

  private static String storedVersion(JsonNode crd) {
    for (JsonNode version : crd.path("spec").path("versions")) {
      if (version.path("storage").asBoolean(false)) {
        return version.path("name").asText();
      }
    }
    return crd.path("spec").path("versions").path(0).path("name").asText();
  }

  /** PUT of the main resource or of {@code /status}. */
  ObjectNode update(
      ResourceType type, String namespace, String name, ObjectNode incoming, boolean status) {
    return update(type, namespace, name, incoming, status, false);
  }

  ObjectNode update(
      ResourceType type,
      String namespace,
      String name,
      ObjectNode incoming,
      boolean status,
      boolean dryRun) {
    synchronized (store) {
      Store.Key key = Store.Key.of(type, namespace, name);
      ObjectNode old = store.get(key).orElseThrow(() -> ApiException.notFound(type, name));
      ObjectNode object =
          pipeline.update(type, namespace, name, incoming, old, status, type.isCustom() && !status);
      return dryRun ? object : commit(type, key, object, old);
    }
  }

  /** PATCH of the main resource or of {@code /status}, in any of the patch types. */
  ObjectNode patch(
      ResourceType type,
      String namespace,
      String name,
      String contentType,
      String body,
      boolean status,
      boolean dryRun) {
    synchronized (store) {
      Store.Key key = Store.Key.of(type, namespace, name);
      ObjectNode old = store.get(key).orElseThrow(() -> ApiException.notFound(type, name));
      ObjectNode patched = Patches.apply(type, old.deepCopy(), contentType, body);
      ObjectNode object = pipeline.update(type, namespace, name, patched, old, status, false);
      return dryRun ? object : commit(type, key, object, old);
    }
  }

  /**
   * Stores an update unless it changes nothing (a real server then writes nothing: same
   * resourceVersion, no watch event), and completes a deletion once the last finalizer is gone.
   */
  private ObjectNode commit(ResourceType type, Store.Key key, ObjectNode object, ObjectNode old) {
    if (object.equals(old)) {
      return old;
    }

    if (object.path("metadata").has("deletionTimestamp")
        && object.path("metadata").path("finalizers").isEmpty()) {
      return store.remove(key).orElse(object);
    }
    ObjectNode stored = store.put(key, object);
    if (type.kind().equals("CustomResourceDefinition")) {
      types.registerCrd(stored);
    }
    return stored;
  }

  /**
   * DELETE: an object with finalizers gets a deletionTimestamp and stays until they are removed;
   * otherwise it is gone at once. Dependents are the garbage collector's business (propagation
   * policy recorded for it: Orphan, Foreground or the default Background).
   */
  ObjectNode delete(ResourceType type, String namespace, String name, JsonNode options) {
    return delete(type, namespace, name, options, false);
  }

  ObjectNode delete(
      ResourceType type, String namespace, String name, JsonNode options, boolean dryRun) {
    synchronized (store) {
      Store.Key key = Store.Key.of(type, namespace, name);
      ObjectNode old = store.get(key).orElseThrow(() -> ApiException.notFound(type, name));
      if (dryRun) {
        return old;
      }
      JsonNode preconditions = options == null ? null : options.get("preconditions");
      if (preconditions != null) {
        checkPrecondition(type, name, old, preconditions, "uid");
        checkPrecondition(type, name, old, preconditions, "resourceVersion");
      }
      String policy = options == null ? null : Json.text(options, "propagationPolicy");
      if ("Orphan".equals(policy)
          || (options != null && options.path("orphanDependents").asBoolean(false))) {
        GarbageCollector.orphan(this, old);
      }
      ObjectNode metadata = Json.metadata(old);
      boolean foreground = "Foreground".equals(policy);
      if (foreground && !hasFinalizer(old, GarbageCollector.FOREGROUND)) {
        Json.objectAt(old, "metadata").withArray("finalizers").add(GarbageCollector.FOREGROUND);
      }
      if (!metadata.path("finalizers").isEmpty()) {
        if (metadata.has("deletionTimestamp")) {
          return old;
        }
        metadata.put("deletionTimestamp", Json.timestamp(clock.instant()));
        metadata.put("deletionGracePeriodSeconds", 0);
        if (type.tracksGeneration()) {
          metadata.put("generation", metadata.path("generation").asLong(1) + 1);
        }
        return store.put(key, old);
      }
      ObjectNode removed = store.remove(key).orElseThrow();
      if (type.kind().equals("CustomResourceDefinition")) {
        // The apiextensions controller deletes every object of the kind before the CRD goes.
        String group = removed.path("spec").path("group").asText();
        String plural = removed.path("spec").path("names").path("plural").asText();
        for (ObjectNode object : store.list(group, plural, null)) {
          store.remove(
              new Store.Key(
                  group,
                  plural,
                  Json.text(object, "metadata.namespace"),
                  Json.text(object, "metadata.name")));
        }
        types.unregisterCrd(removed);
      }
      return removed;
    }
  }

  private static boolean hasFinalizer(JsonNode object, String finalizer) {
    for (JsonNode f : object.path("metadata").path("finalizers")) {
      if (f.asText().equals(finalizer)) {
        return true;
      }
    }
    return false;
  }

  private static void checkPrecondition(
      ResourceType type, String name, JsonNode object, JsonNode preconditions, String field) {
    String expected = Json.text(preconditions, field);
    if (expected != null && !expected.equals(Json.text(object, "metadata." + field))) {
      throw new ApiException(
          409,
          "Conflict",
          "Precondition failed: "
              + field
              + " in precondition: "
              + expected
              + ", "
              + field
              + " in object meta: "
              + Json.text(object, "metadata." + field));
    }
  }

  /** DELETE on a collection: every object the selectors match. */
  ObjectNode deleteCollection(ResourceType type, ApiPath path, JsonNode options, boolean dryRun) {
    ObjectNode list = list(type, path);
    if (dryRun) {
      return list;
    }
    for (JsonNode item : list.path("items")) {
      try {
        delete(
            type, Json.text(item, "metadata.namespace"), Json.text(item, "metadata.name"), options);
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    return list;
  }

  /** Continue tokens name the list's resourceVersion and the last key returned. */
  record ContinueToken(long resourceVersion, String lastKey) {
    String encode() {
      return Base64.getUrlEncoder()
          .encodeToString((resourceVersion + "\n" + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    static ContinueToken decode(String token) {
      try {
        String[] parts =
            new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 2);
        return new ContinueToken(Long.parseLong(parts[0]), parts[1]);
      } catch (RuntimeException e) {
        throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
      }
    }
  }

  private static int parseInt(String text, int fallback) {
    return text == null || text.isEmpty() ? fallback : Integer.parseInt(text);
  }
}
