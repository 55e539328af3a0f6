package io.akproxy.operator.reconciler;

import io.akproxy.operator.model.Names;
import io.akproxy.operator.model.ServedState;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Reads the proxy pods' admin {@code /status} in the background, so a reconcile never waits on a
 * pod: it asks for the reads it wants ({@link #refresh}) and uses the latest ones it has ({@link
 * #latest}). A few threads make the reads, so at most that many run at once, each with short
 * connect and request timeouts; a read whose result differs from the one before reports the pod's
 * resource ({@code changed}), which queues a reconcile of it.
 *
 * <p>When to read is the reconciler's business: on pod events, after a write of what the pods
 * mount, and every {@link #POLL} while a pod is behind. Never more often than that: a pod whose
 * last read is younger than {@link #POLL} and whose object did not change is not read again.
 */
public final class PodStatusReader implements AutoCloseable {

  /** How often a pod that is behind is read again. */
  public static final Duration POLL = Duration.ofSeconds(3);

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  static final int THREADS = 8;

  /** The latest read of one pod, at one version of its Pod object. */
  record Reading(
      String podVersion, Instant at, Optional<ServedState> served, Optional<String> error) {

    boolean sameResult(Reading other) {
      return other != null && served.equals(other.served) && error.equals(other.error);
    }
  }

  private final Clock clock;
  private final Consumer<ResourceID> changed;
  private final ExecutorService threads;
  private final HttpClient http;
  private final Map<String, Reading> readings = new ConcurrentHashMap<>();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * @param changed told the proxy resource of a pod whose reading changed
   */
  public PodStatusReader(Clock clock, Consumer<ResourceID> changed) {
    this.clock = clock;
    this.changed = changed;
    AtomicInteger count = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread thread = new Thread(r, "akproxy-pod-status-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** The latest reading of {@code pod}, if it was read at all. */
  Optional<Reading> latest(Pod pod) {
    return Optional.ofNullable(readings.get(pod.getMetadata().getUid()));
  }

  /**
   * Reads {@code pod} in the background unless a read is under way, or the last one is younger than
   * {@link #POLL} and was made at the pod's current version ({@code behind} false: it serves what
   * it should, so only a change of the Pod object warrants a new read).
   */
  void refresh(Pod pod, ResourceID owner, boolean behind) {
    String uid = pod.getMetadata().getUid();
    Reading last = readings.get(uid);
    String version = pod.getMetadata().getResourceVersion();
    if (last != null && Objects.equals(last.podVersion(), version)) {
      boolean young = Duration.between(last.at(), clock.instant()).compareTo(POLL) < 0;
      if (!behind || young) {
        return;
      }
    }
    Optional<URI> uri = statusUri(pod);
    if (uri.isEmpty() || !inFlight.add(uid)) {
      return;
    }
    HttpRequest request = HttpRequest.newBuilder(uri.get()).timeout(REQUEST_TIMEOUT).GET().build();
    try {
      threads.execute(
          () -> {
            Reading reading;
            try {
              reading = read(request, version);
            } finally {
              inFlight.remove(uid);
            }
            Reading before = readings.put(uid, reading);
            if (!reading.sameResult(before)) {
              changed.accept(owner);
            }
          });
    } catch (RejectedExecutionException stopped) {
      inFlight.remove(uid); // the operator is stopping
    }
  }

  /** One read, on one of the reader's threads: at most {@link #THREADS} at once. */
  private Reading read(HttpRequest request, String version) {
    Instant at = clock.instant();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return failed(version, at, "/status answered HTTP " + response.statusCode());
      }
      return new Reading(
          version, at, Optional.of(ServedState.parse(response.body())), Optional.empty());
    } catch (IllegalArgumentException e) {
      return failed(version, at, e.getMessage());
    } catch (HttpTimeoutException e) {
      return failed(version, at, "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      return failed(
          version,
          at,
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(version, at, "interrupted");
    }
  }

  /** Forgets the reading of one pod (deleted). */
  void forget(String uid) {
    readings.remove(uid);
  }

  /** {@code http://<podIP>:<admin port>/status}, once the pod has an address. */
  static Optional<URI> statusUri(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
      return Optional.empty();
    }
    String ip = pod.getStatus().getPodIP();
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    return Optional.of(URI.create("http://" + host + ":" + adminPort(pod) + "/status"));
  }

  /** The container port named {@code admin}, or the runtime's default. */
  static int adminPort(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .flatMap(c -> c.getPorts().stream())
        .filter(p -> Names.PORT_ADMIN.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(Names.CONTAINER_ADMIN_PORT);
  }

  private static Reading failed(String version, Instant at, String error) {
    return new Reading(version, at, Optional.empty(), Optional.of(error));
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
