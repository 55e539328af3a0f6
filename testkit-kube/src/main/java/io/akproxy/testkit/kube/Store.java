package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The objects, one global resourceVersion counter (etcd's revision) and the recent history of
 * changes that watches resume from. Callers get copies; every change is announced, in order, to the
 * listeners (watches, the garbage collector, the Deployment controller) while the store's lock is
 * held, so they see changes in resourceVersion order.
 */
final class Store {

  /** How many changes a watch can resume across, like the apiserver's watch cache window. */
  private static final int HISTORY = 50_000;

  record Key(String group, String plural, String namespace, String name)
      implements Comparable<Key> {
    static Key of(ResourceType type, String namespace, String name) {
      return new Key(type.group(), type.plural(), type.namespaced() ? namespace : null, name);
    }

    @Override
    public int compareTo(Key other) {
      return COMPARATOR.compare(this, other);
    }

    private static final Comparator<Key> COMPARATOR =
        Comparator.comparing(Key::group)
            .thenComparing(Key::plural)
            .thenComparing(k -> k.namespace() == null ? "" : k.namespace())
            .thenComparing(Key::name);
  }

  /**
   * One change: ADDED, MODIFIED or DELETED, with the object after the change and before it (null
   * for ADDED), so a filtered watch can tell an object that stopped matching from one that changed.
   */
  record Change(
      long resourceVersion, String type, Key key, ObjectNode object, ObjectNode previous) {}

  private final Map<Key, ObjectNode> objects = new TreeMap<>();
  private final Deque<Change> history = new ArrayDeque<>();
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  private long resourceVersion;

  /** Changes at or below this revision are forgotten: a watch or list from them gets 410 Gone. */
  private long compactedThrough;

  synchronized long resourceVersion() {
    return resourceVersion;
  }

  synchronized long compactedThrough() {
    return compactedThrough;
  }

  /**
   * What an API server restart does to clients: every revision they hold becomes too old. The
   * revision moves on once (a restarting control plane always writes something: leases, endpoints),
   * so even a client that was fully up to date must relist.
   */
  synchronized void forgetHistory() {
    resourceVersion++;
    compactedThrough = resourceVersion;
    history.clear();
  }

  synchronized Optional<ObjectNode> get(Key key) {
    ObjectNode object = objects.get(key);
    return Optional.ofNullable(object == null ? null : object.deepCopy());
  }

  /** Every object of a kind, in one namespace or (null) all, ordered by namespace and name. */
  synchronized List<ObjectNode> list(String group, String plural, String namespace) {
    List<ObjectNode> items = new ArrayList<>();
    objects.forEach(
        (key, object) -> {
          if (key.group().equals(group)
              && key.plural().equals(plural)
              && (namespace == null || namespace.equals(key.namespace()))) {
            items.add(object.deepCopy());
          }
        });
    return items;
  }

  /** Stores the object under a new resourceVersion, which it writes into the object's metadata. */
  synchronized ObjectNode put(Key key, ObjectNode object) {
    long next = ++resourceVersion;
    ObjectNode stored = object.deepCopy();
    Json.metadata(stored).put("resourceVersion", String.valueOf(next));
    ObjectNode previous = objects.put(key, stored);
    record(new Change(next, previous == null ? "ADDED" : "MODIFIED", key, stored, previous));
    return stored.deepCopy();
  }

  synchronized Optional<ObjectNode> remove(Key key) {
    ObjectNode removed = objects.remove(key);
    if (removed == null) {
      return Optional.empty();
    }
    long next = ++resourceVersion;
    ObjectNode last = removed.deepCopy();
    Json.metadata(last).put("resourceVersion", String.valueOf(next));
    record(new Change(next, "DELETED", key, last, removed));
    return Optional.of(last.deepCopy());
  }

  private void record(Change change) {
    history.addLast(change);
    while (history.size() > HISTORY) {
      Change dropped = history.removeFirst();
      compactedThrough = Math.max(compactedThrough, dropped.resourceVersion());
    }
    listeners.forEach(listener -> listener.accept(change));
  }

  /**
   * Registers a listener and hands it, under the same lock, the changes after {@code since} so it
   * misses nothing between the replay and the live stream.
   *
   * @throws ApiException 410 Gone when {@code since} is older than what the store remembers
   */
  synchronized void subscribe(long since, Consumer<Change> listener) {
    if (since < compactedThrough) {
      throw ApiException.gone("too old resource version: " + since + " (" + compactedThrough + ")");
    }
    for (Change change : history) {
      if (change.resourceVersion() > since) {
        listener.accept(change);
      }
    }
    listeners.add(listener);
  }

  /** Registers a listener for changes from now on. */
  synchronized void subscribe(Consumer<Change> listener) {
    listeners.add(listener);
  }

  void unsubscribe(Consumer<Change> listener) {
    listeners.remove(listener);
  }
}
