package io.akproxy.operator.reconciler;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.Transition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about a resource, the way {@code kubectl describe} shows them. An Event
 * that cannot be written is logged and dropped: it must never fail a reconcile.
 */
public class EventRecorder {

  public static final String COMPONENT = "akproxy-operator";

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * The last transition recorded per resource and condition. A reconcile can start before the
   * informer has seen the status the previous one wrote, and would report the same transition
   * again; this keeps it to one Event.
   */
  private final Map<String, String> recorded = new ConcurrentHashMap<>();

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Records the transition unless this operator already did. */
  public void record(AuthentikProxy proxy, Transition transition) {
    String key = proxy.getMetadata().getUid() + "/" + transition.type().value();
    String state = transition.status() + "/" + transition.reason();
    if (state.equals(recorded.put(key, state))) {
      return;
    }
    write(proxy, transition);
  }

  /**
   * A reconcile applied everything: Ready's own Events (refused applies, the only ones recorded for
   * Ready) start afresh, so the next refusal is news again.
   */
  public void applied(AuthentikProxy proxy) {
    recorded.remove(proxy.getMetadata().getUid() + "/" + ConditionType.READY.value());
  }

  private void write(AuthentikProxy proxy, Transition transition) {
    String namespace = proxy.getMetadata().getNamespace();
    String name = proxy.getMetadata().getName();
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    // kubectl's naming: <object>.<unique hex>; unique per operator process and time.
    String eventName =
        name
            + "."
            + Long.toHexString(clock.millis())
            + Long.toHexString(sequence.incrementAndGet());
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(eventName)
            .withNamespace(namespace)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(proxy.getApiVersion())
                    .withKind(proxy.getKind())
                    .withName(name)
                    .withNamespace(namespace)
                    .withUid(proxy.getMetadata().getUid())
                    .build())
            .withReason(transition.reason())
            .withMessage(transition.message())
            .withType(transition.warning() ? "Warning" : "Normal")
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "{}/{}: could not record event {}: {}",
          namespace,
          name,
          transition.reason(),
          e.getMessage());
    }
  }
}
