package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Kubernetes' garbage collector and namespace controller, simplified: after any deletion it
 * deletes, on its own thread, every object whose owners are all gone (background propagation) and
 * every object of a namespace that is gone; an owner deleted with {@code propagationPolicy:
 * Foreground} carries the {@code foregroundDeletion} finalizer until its dependents are gone. An
 * object written with owner references that all name absent owners (a controller racing its owner's
 * deletion re-creates a child after the sweep) is collected too, as the real collector's "absent
 * owner" check does. Deviations: no {@code blockOwnerDeletion} ordering, no dependency graph cache
 * (it sweeps every object).
 */
final class GarbageCollector implements AutoCloseable {

  static final String FOREGROUND = "foregroundDeletion";

  private final ApiResources resources;
  private final ExecutorService loop =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "testkit-garbage-collector");
            thread.setDaemon(true);
            return thread;
          });

  GarbageCollector(ApiResources resources) {
    this.resources = resources;
    resources
        .store()
        .subscribe(
            change -> {
              if (change.type().equals("DELETED")
                  || change.object().path("metadata").has("deletionTimestamp")) {
                loop.execute(this::sweepQuietly);
              } else if (!change.object().path("metadata").path("ownerReferences").isEmpty()) {
                ObjectNode written = change.object();
                loop.execute(() -> collectIfOwnersAbsent(written));
              }
            });
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      // A concurrent change: the next deletion sweeps again.
    }
  }

  /** Deletes a dependent none of whose owners exists (same name and uid) in its namespace. */
  private void collectIfOwnersAbsent(ObjectNode written) {
    try {
      // The object as it is now (a later write may have re-created it with a live owner).
      ObjectNode dependent =
          typeOf(written)
              .flatMap(t -> resources.find(t, namespaceOf(written), nameOf(written)))
              .filter(o -> Json.text(o, "metadata.uid").equals(Json.text(written, "metadata.uid")))
              .orElse(null);
      if (dependent == null) {
        return;
      }
      JsonNode owners = dependent.path("metadata").path("ownerReferences");
      for (JsonNode owner : owners) {
        if (ownerExists(owner, namespaceOf(dependent))) {
          return;
        }
      }
      if (!owners.isEmpty()) {
        delete(dependent);
      }
    } catch (RuntimeException e) {
      // A concurrent change: the next write or deletion looks again.
    }
  }

  private boolean ownerExists(JsonNode owner, String namespace) {
    String uid = owner.path("uid").asText();
    Optional<ResourceType> type =
        resources.types().byKind(owner.path("apiVersion").asText(), owner.path("kind").asText());
    if (type.isEmpty()) {
      return true; // a kind it cannot resolve: the real collector leaves the dependent alone too
    }
    return resources
        .find(type.get(), type.get().namespaced() ? namespace : null, owner.path("name").asText())
        .filter(o -> uid.equals(Json.text(o, "metadata.uid")))
        .isPresent();
  }

  /** One pass: what a real collector would have deleted by now. Visible for tests. */
  void sweep() {
    List<ObjectNode> all = new ArrayList<>();
    for (ResourceType type : resources.types().all()) {
      if (!type.createOnly()) {
        all.addAll(resources.store().list(type.group(), type.plural(), null));
      }
    }
    Set<String> uids = new HashSet<>();
    Set<String> namespaces = new HashSet<>();
    for (ObjectNode object : all) {
      uids.add(Json.text(object, "metadata.uid"));
      if ("Namespace".equals(Json.text(object, "kind"))) {
        namespaces.add(Json.text(object, "metadata.name"));
      }
    }
    Set<String> foregroundOwners = new HashSet<>();
    for (ObjectNode object : all) {
      JsonNode metadata = object.path("metadata");
      if (metadata.has("deletionTimestamp") && hasForeground(metadata)) {
        foregroundOwners.add(metadata.path("uid").asText());
      }
    }
    for (ObjectNode object : all) {
      JsonNode metadata = object.path("metadata");
      String namespace = Json.text(metadata, "namespace");
      boolean namespaceGone = namespace != null && !namespaces.contains(namespace);
      JsonNode owners = metadata.path("ownerReferences");
      boolean orphaned = !owners.isEmpty();
      boolean ownerInForeground = false;
      for (JsonNode owner : owners) {
        String uid = owner.path("uid").asText();
        orphaned &= !uids.contains(uid);
        ownerInForeground |= foregroundOwners.contains(uid);
      }
      if (namespaceGone || orphaned || ownerInForeground) {
        delete(object);
      }
    }
    for (ObjectNode object : all) {
      JsonNode metadata = object.path("metadata");
      String uid = metadata.path("uid").asText();
      if (foregroundOwners.contains(uid) && !hasDependents(all, uid)) {
        removeForegroundFinalizer(object);
      }
    }
  }

  private static boolean hasForeground(JsonNode metadata) {
    for (JsonNode finalizer : metadata.path("finalizers")) {
      if (finalizer.asText().equals(FOREGROUND)) {
        return true;
      }
    }
    return false;
  }

  private boolean hasDependents(List<ObjectNode> all, String uid) {
    for (ObjectNode object : all) {
      for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
        if (owner.path("uid").asText().equals(uid) && exists(object)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean exists(ObjectNode object) {
    return typeOf(object)
        .flatMap(t -> resources.find(t, namespaceOf(object), nameOf(object)))
        .isPresent();
  }

  private void delete(ObjectNode object) {
    typeOf(object)
        .ifPresent(
            type -> {
              try {
                resources.delete(type, namespaceOf(object), nameOf(object), null);
              } catch (ApiException e) {
                // Already gone.
              }
            });
  }

  private void removeForegroundFinalizer(ObjectNode object) {
    typeOf(object)
        .ifPresent(
            type -> {
              ObjectNode current =
                  resources.find(type, namespaceOf(object), nameOf(object)).orElse(null);
              if (current == null) {
                return;
              }
              ArrayNode finalizers = Json.objectAt(current, "metadata").withArray("finalizers");
              for (int i = finalizers.size() - 1; i >= 0; i--) {
                if (finalizers.get(i).asText().equals(FOREGROUND)) {
                  finalizers.remove(i);
                }
              }
              resources.update(type, namespaceOf(object), nameOf(object), current, false);
            });
  }

  /** propagationPolicy Orphan: the dependents lose their reference to the owner and stay. */
  static void orphan(ApiResources resources, ObjectNode owner) {
    String uid = Json.text(owner, "metadata.uid");
    for (ResourceType type : resources.types().all()) {
      if (type.createOnly()) {
        continue;
      }
      for (ObjectNode object : resources.store().list(type.group(), type.plural(), null)) {
        JsonNode references = object.path("metadata").path("ownerReferences");
        ArrayNode kept = Json.array();
        references.forEach(
            r -> {
              if (!r.path("uid").asText().equals(uid)) {
                kept.add(r);
              }
            });
        if (kept.size() != references.size()) {
          Json.metadata(object).set("ownerReferences", kept);
          resources.update(type, namespaceOf(object), nameOf(object), object, false);
        }
      }
    }
  }

  private Optional<ResourceType> typeOf(ObjectNode object) {
    return resources.types().byKind(Json.text(object, "apiVersion"), Json.text(object, "kind"));
  }

  private static String namespaceOf(JsonNode object) {
    return Json.text(object, "metadata.namespace");
  }

  private static String nameOf(JsonNode object) {
    return Json.text(object, "metadata.name");
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
