package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Open watches: each is a subscription to the store that turns changes of its kind, namespace and
 * selectors into watch events ({@code ADDED}/{@code MODIFIED}/{@code DELETED}, an object leaving a
 * selector's set arriving as {@code DELETED}) and hands them to the connection. {@link #closeAll}
 * is what a restart does to them.
 */
final class Watches {

  /** Where a watch's events go: a WebSocket (fabric8) or a chunked HTTP stream (kubectl). */
  interface Sink {
    /** One event: ADDED, MODIFIED, DELETED, or ERROR with a Status as the object. */
    void send(String type, ObjectNode object);

    void close();
  }

  private final Store store;
  private final Set<Runnable> open = ConcurrentHashMap.newKeySet();

  Watches(Store store) {
    this.store = store;
  }

  /**
   * Starts a watch.
   *
   * @param since the resourceVersion to resume after, or -1 for "now, with the current objects as
   *     ADDED events first"
   * @return a handle that ends the watch
   * @throws ApiException 410 Gone when {@code since} is older than the store remembers
   */
  Runnable start(
      ResourceType type, String namespace, Predicate<JsonNode> selector, long since, Sink sink) {
    Predicate<ObjectNode> inScope =
        o -> namespace == null || namespace.equals(Json.text(o, "metadata.namespace"));
    Consumer<Store.Change> listener =
        change -> {
          if (!change.key().group().equals(type.group())
              || !change.key().plural().equals(type.plural())) {
            return;
          }
          boolean now = inScope.test(change.object()) && selector.test(change.object());
          boolean before =
              change.previous() != null
                  && inScope.test(change.previous())
                  && selector.test(change.previous());
          String eventType =
              switch (change.type()) {
                case "DELETED" -> before ? "DELETED" : null;
                case "ADDED" -> now ? "ADDED" : null;
                default -> now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : null;
              };
          if (eventType != null) {
            sink.send(eventType, change.object());
          }
        };
    Runnable stop =
        new Runnable() {
          @Override
          public void run() {
            store.unsubscribe(listener);
            open.remove(this);
            sink.close();
          }
        };
    if (since < 0) {
      synchronized (store) {
        for (ObjectNode object : store.list(type.group(), type.plural(), namespace)) {
          if (selector.test(object)) {
            sink.send("ADDED", object);
          }
        }
        store.subscribe(listener);
      }
    } else {
      store.subscribe(since, listener);
    }
    open.add(stop);
    return stop;
  }

  static String event(String type, ObjectNode object) {
    ObjectNode event = Json.object();
    event.put("type", type);
    event.set("object", object);
    return Json.write(event);
  }

  void closeAll() {
    for (Runnable stop : Set.copyOf(open)) {
      stop.run();
    }
  }
}
