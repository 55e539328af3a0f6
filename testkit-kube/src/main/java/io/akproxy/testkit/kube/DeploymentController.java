package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akproxy.testkit.time.Scheduler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small Deployment controller: it keeps Pods for the current pod template, rolls old Pods to new
 * ones RollingUpdate-style (maxSurge/maxUnavailable, one step per sync, the next step when a Pod's
 * readiness changes), and writes the Deployment's status through the status subresource as it goes,
 * with the {@code Progressing} ({@code ReplicaSetUpdated}, {@code NewReplicaSetAvailable}, {@code
 * ProgressDeadlineExceeded} once progressDeadlineSeconds pass without progress, on the cluster's
 * scheduler: real time, or a test's ManualClock) and {@code Available} conditions. Pods run on a
 * pluggable {@link Kubelet}.
 *
 * <p>Deviations from the real one: no ReplicaSets (Pods are owned by the Deployment directly, still
 * labelled {@code pod-template-hash} and named {@code <deployment>-<hash>-<random>}); no
 * minReadySeconds; a deleted Pod disappears at once (no graceful termination); the revision
 * annotation counts template changes.
 */
public final class DeploymentController implements AutoCloseable {

  static final String HASH_LABEL = "pod-template-hash";
  static final String REVISION = "deployment.kubernetes.io/revision";

  private final ApiResources resources;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Map<String, Scheduler.Task> deadlines = new ConcurrentHashMap<>();
  private final Kubelet kubelet;
  private final ResourceType deployments;
  private final ResourceType pods;
  private final PodAddresses addresses = new PodAddresses();
  private final Map<String, SimulatedPod> running = new ConcurrentHashMap<>();
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Map<String, String> revisionHashes = new ConcurrentHashMap<>();
  private final AtomicInteger statusWrites = new AtomicInteger();
  private final ExecutorService loop =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "testkit-deployment-controller");
            thread.setDaemon(true);
            return thread;
          });
  private volatile boolean paused;

  DeploymentController(ApiResources resources, Scheduler scheduler, Kubelet kubelet) {
    this.resources = resources;
    this.scheduler = scheduler;
    this.clock = scheduler.clock();
    this.kubelet = kubelet;
    this.deployments = resources.types().find("apps", "v1", "deployments").orElseThrow();
    this.pods = resources.types().find("", "v1", "pods").orElseThrow();
    resources.store().subscribe(this::onChange);
  }

  /** How many status writes this controller made: the resourceVersion bumps it caused. */
  public int statusWrites() {
    return statusWrites.get();
  }

  /**
   * Stops syncing (changes queue up), so a test can see a Deployment whose observedGeneration is
   * behind its generation; {@link #resume()} catches up. Returns once a sync already under way has
   * finished, so a change the test makes afterwards is never synced before {@code resume()}.
   */
  public void pause() {
    paused = true;
    CompletableFuture<Void> drained = new CompletableFuture<>();
    loop.execute(() -> drained.complete(null));
    drained.join();
  }

  public void resume() {
    paused = false;
    pending.clear();
    resyncAll();
  }

  /** Syncs every Deployment now. */
  public void resyncAll() {
    for (ObjectNode deployment : resources.store().list("apps", "deployments", null)) {
      enqueue(Json.text(deployment, "metadata.namespace"), Json.text(deployment, "metadata.name"));
    }
  }

  /** Runs {@code task} on the controller's thread after everything queued before it. */
  void afterQueued(Runnable task) {
    loop.execute(task);
  }

  private void onChange(Store.Change change) {
    String group = change.key().group();
    String plural = change.key().plural();
    if (group.equals("apps") && plural.equals("deployments")) {
      if (!change.type().equals("DELETED")) {
        enqueue(change.key().namespace(), change.key().name());
      }
    } else if (group.isEmpty() && plural.equals("pods")) {
      onPodChange(change);
    }
  }

  /**
   * What makes the real kubelet sync a pod: its spec (an image changed in place), labels,
   * annotations or deletion changed. A status write (the kubelet's own readiness reports) or a new
   * resourceVersion alone does not.
   */
  static boolean podObjectChanged(JsonNode before, JsonNode after) {
    return !before.path("spec").equals(after.path("spec"))
        || !withoutVersion(before.path("metadata")).equals(withoutVersion(after.path("metadata")));
  }

  private static JsonNode withoutVersion(JsonNode metadata) {
    JsonNode copy = metadata.deepCopy();
    if (copy instanceof ObjectNode object) {
      object.remove("resourceVersion");
      object.remove("managedFields");
    }
    return copy;
  }

  private void onPodChange(Store.Change change) {
    String key = change.key().namespace() + "/" + change.key().name();
    if (change.type().equals("DELETED")) {
      SimulatedPod pod = running.remove(key);
      if (pod != null) {
        loop.execute(() -> kubelet.podDeleted(pod));
      }
    } else if (change.type().equals("MODIFIED")
        && podObjectChanged(change.previous(), change.object())) {
      SimulatedPod pod = running.get(key);
      if (pod != null) {
        loop.execute(() -> kubelet.podUpdated(pod));
      }
    }
    for (JsonNode owner : change.object().path("metadata").path("ownerReferences")) {
      if ("Deployment".equals(owner.path("kind").asText())) {
        enqueue(change.key().namespace(), owner.path("name").asText());
      }
    }
  }

  private void enqueue(String namespace, String name) {
    String key = namespace + "/" + name;
    if (pending.add(key)) {
      loop.execute(
          () -> {
            if (paused) {
              return; // Stays pending: resume() syncs it.
            }
            pending.remove(key);
            try {
              sync(namespace, name);
            } catch (ApiException e) {
              if (e.code() == 409) {
                enqueue(namespace, name); // Lost a race with another writer: again.
              }
            } catch (RuntimeException e) {
              // A deployment deleted mid-sync; the next event syncs again.
            }
          });
    }
  }

  private void sync(String namespace, String name) {
    ObjectNode deployment = resources.find(deployments, namespace, name).orElse(null);
    if (deployment == null || deployment.path("metadata").has("deletionTimestamp")) {
      return;
    }
    String uid = Json.text(deployment, "metadata.uid");
    JsonNode spec = deployment.path("spec");
    int desired = spec.path("replicas").asInt(1);
    String hash = templateHash(spec.path("template"));
    List<ObjectNode> owned = ownedPods(namespace, uid);
    List<ObjectNode> current = new ArrayList<>();
    List<ObjectNode> old = new ArrayList<>();
    for (ObjectNode pod : owned) {
      (hash.equals(Json.text(pod, "metadata.labels." + HASH_LABEL)) ? current : old).add(pod);
    }
    deployment = recordRevision(deployment, uid, hash);
    boolean recreate = "Recreate".equals(spec.path("strategy").path("type").asText());
    int surge =
        recreate
            ? 0
            : resolve(spec.path("strategy").path("rollingUpdate").path("maxSurge"), desired, true);
    int unavailable =
        recreate
            ? desired
            : resolve(
                spec.path("strategy").path("rollingUpdate").path("maxUnavailable"), desired, false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    boolean changed = false;
    if (recreate && !old.isEmpty()) {
      old.forEach(this::deletePod);
      changed = true;
      old.clear();
    } else {
      // Scale the new generation up within the surge budget.
      int room =
          Math.min(desired - current.size(), desired + surge - (current.size() + old.size()));
      for (int i = 0; i < room; i++) {
        current.add(createPod(deployment, hash));
        changed = true;
      }
      // Too many of the new generation (scaled down): remove the unready ones first.
      while (current.size() > desired) {
        ObjectNode victim = pickVictim(current);
        current.remove(victim);
        deletePod(victim);
        changed = true;
      }
      // Retire old pods: unready ones always, ready ones while enough stay available.
      for (ObjectNode pod : List.copyOf(old)) {
        if (!isReady(pod)) {
          old.remove(pod);
          deletePod(pod);
          changed = true;
        }
      }
      int minAvailable = Math.max(0, desired - unavailable);
      int available = countReady(current) + countReady(old);
      old.sort(Comparator.comparing(p -> Json.text(p, "metadata.name")));
      while (!old.isEmpty() && available - 1 >= minAvailable) {
        ObjectNode pod = old.remove(0);
        deletePod(pod);
        available--;
        changed = true;
      }
    }
    writeStatus(deployment, desired, unavailable, hash, current, old, changed);
  }

  /**
   * The revision annotation the real controller keeps on a Deployment (a main-resource write by a
   * second writer, which the operator must tolerate): bumped when the template hash changes.
   */
  private ObjectNode recordRevision(ObjectNode deployment, String uid, String hash) {
    if (hash.equals(revisionHashes.get(uid))) {
      return deployment;
    }
    int revision = deployment.path("metadata").path("annotations").path(REVISION).asInt(0) + 1;
    Json.objectAt(deployment, "metadata.annotations").put(REVISION, String.valueOf(revision));
    ObjectNode stored =
        resources.update(
            deployments,
            Json.text(deployment, "metadata.namespace"),
            Json.text(deployment, "metadata.name"),
            deployment,
            false);
    revisionHashes.put(uid, hash);
    return stored;
  }

  private void writeStatus(
      ObjectNode deployment,
      int desired,
      int maxUnavailable,
      String hash,
      List<ObjectNode> current,
      List<ObjectNode> old,
      boolean created) {
    JsonNode previous = deployment.path("status");
    int replicas = current.size() + old.size();
    int ready = countReady(current) + countReady(old);
    ObjectNode status = Json.object();
    status.put("observedGeneration", deployment.path("metadata").path("generation").asLong(1));
    status.put("replicas", replicas);
    status.put("updatedReplicas", current.size());
    status.put("readyReplicas", ready);
    status.put("availableReplicas", ready);
    status.put("unavailableReplicas", Math.max(0, replicas - ready));
    String now = Json.timestamp(clock.instant());
    String replicaSet = Json.text(deployment, "metadata.name") + "-" + hash;
    ArrayNode conditions = status.putArray("conditions");
    boolean available = ready >= desired - maxUnavailable;
    conditions.add(
        condition(
            previous,
            "Available",
            available,
            available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            available
                ? "Deployment has minimum availability."
                : "Deployment does not have minimum availability.",
            now,
            false));
    conditions.add(
        progressing(deployment, previous, status, desired, old.size(), replicaSet, now, created));
    ObjectNode updated = deployment.deepCopy();
    Omitempty.prune("Deployment", status);
    updated.set("status", status);
    if (Json.canonical(updated).equals(Json.canonical(deployment))) {
      return;
    }
    resources.update(
        deployments,
        Json.text(deployment, "metadata.namespace"),
        Json.text(deployment, "metadata.name"),
        updated,
        true);
    statusWrites.incrementAndGet();
  }

  /** pkg/controller/deployment/progress.go's rules for the Progressing condition. */
  private ObjectNode progressing(
      ObjectNode deployment,
      JsonNode previous,
      ObjectNode status,
      int desired,
      int oldPods,
      String replicaSet,
      String now,
      boolean created) {
    int updated = status.path("updatedReplicas").asInt();
    int replicas = status.path("replicas").asInt();
    int available = status.path("availableReplicas").asInt();
    if (updated == desired && replicas == desired && available == desired && oldPods == 0) {
      Scheduler.Task pendingCheck = deadlines.remove(key(deployment));
      if (pendingCheck != null) {
        pendingCheck.cancel();
      }
      return condition(
          previous,
          "Progressing",
          true,
          "NewReplicaSetAvailable",
          "ReplicaSet \"" + replicaSet + "\" has successfully progressed.",
          now,
          true);
    }
    boolean progress =
        created
            || updated > previous.path("updatedReplicas").asInt()
            || status.path("readyReplicas").asInt() > previous.path("readyReplicas").asInt()
            || available > previous.path("availableReplicas").asInt()
            || oldPods
                < previous.path("replicas").asInt() - previous.path("updatedReplicas").asInt();
    JsonNode last = find(previous, "Progressing");
    if (progress || last == null || "NewReplicaSetAvailable".equals(last.path("reason").asText())) {
      checkDeadline(deployment, clock.instant());
      return condition(
          previous,
          "Progressing",
          true,
          "ReplicaSetUpdated",
          "ReplicaSet \"" + replicaSet + "\" is progressing.",
          now,
          true);
    }
    Instant lastUpdate = Instant.parse(last.path("lastUpdateTime").asText(now));
    long deadline = deployment.path("spec").path("progressDeadlineSeconds").asLong(600);
    if (!clock.instant().isBefore(lastUpdate.plus(Duration.ofSeconds(deadline)))) {
      deadlines.remove(key(deployment));
      return condition(
          previous,
          "Progressing",
          false,
          "ProgressDeadlineExceeded",
          "ReplicaSet \"" + replicaSet + "\" has timed out progressing.",
          now,
          false);
    }
    checkDeadline(deployment, lastUpdate);
    return (ObjectNode) last.deepCopy();
  }

  /**
   * Syncs the Deployment again when its progress deadline, counted from {@code lastProgress}, has
   * passed: on real time, or when a test's ManualClock is advanced past it.
   */
  private void checkDeadline(ObjectNode deployment, Instant lastProgress) {
    String key = key(deployment);
    long seconds = deployment.path("spec").path("progressDeadlineSeconds").asLong(600);
    Duration delay =
        Duration.between(clock.instant(), lastProgress.plusSeconds(seconds)).plusMillis(1);
    String namespace = Json.text(deployment, "metadata.namespace");
    String name = Json.text(deployment, "metadata.name");
    Scheduler.Task previous =
        deadlines.put(key, scheduler.schedule(delay, () -> enqueue(namespace, name)));
    if (previous != null) {
      previous.cancel();
    }
  }

  private static String key(JsonNode deployment) {
    return Json.text(deployment, "metadata.namespace")
        + "/"
        + Json.text(deployment, "metadata.name");
  }

  /**
   * A condition in the Deployment's shape; lastTransitionTime kept while the status is unchanged,
   * lastUpdateTime moved when {@code touch} (progress) or when anything changed.
   */
  private static ObjectNode condition(
      JsonNode previousStatus,
      String type,
      boolean value,
      String reason,
      String message,
      String now,
      boolean touch) {
    JsonNode last = find(previousStatus, type);
    String status = value ? "True" : "False";
    ObjectNode condition = Json.object();
    condition.put("type", type);
    condition.put("status", status);
    boolean same =
        last != null
            && status.equals(last.path("status").asText())
            && reason.equals(last.path("reason").asText());
    condition.put("lastUpdateTime", same && !touch ? last.path("lastUpdateTime").asText(now) : now);
    condition.put(
        "lastTransitionTime",
        last != null && status.equals(last.path("status").asText())
            ? last.path("lastTransitionTime").asText(now)
            : now);
    condition.put("reason", reason);
    condition.put("message", message);
    if (same && touch && reason.equals("NewReplicaSetAvailable")) {
      condition.put("lastUpdateTime", last.path("lastUpdateTime").asText(now));
    }
    return condition;
  }

  private static JsonNode find(JsonNode status, String type) {
    for (JsonNode condition : status.path("conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return null;
  }

  private ObjectNode createPod(ObjectNode deployment, String hash) {
    String namespace = Json.text(deployment, "metadata.namespace");
    String name = Json.text(deployment, "metadata.name");
    JsonNode template = deployment.path("spec").path("template");
    ObjectNode pod = Json.object();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    ObjectNode metadata = pod.putObject("metadata");
    metadata.put("generateName", name + "-" + hash + "-");
    metadata.put("namespace", namespace);
    ObjectNode labels = metadata.putObject("labels");
    template
        .path("metadata")
        .path("labels")
        .fields()
        .forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
    labels.put(HASH_LABEL, hash);
    if (template.path("metadata").has("annotations")) {
      metadata.set("annotations", template.path("metadata").path("annotations").deepCopy());
    }
    ObjectNode owner = metadata.putArray("ownerReferences").addObject();
    owner.put("apiVersion", "apps/v1");
    owner.put("kind", "Deployment");
    owner.put("name", name);
    owner.put("uid", Json.text(deployment, "metadata.uid"));
    owner.put("controller", true);
    owner.put("blockOwnerDeletion", true);
    ObjectNode spec = (ObjectNode) template.path("spec").deepCopy();
    spec.put("nodeName", NODE_NAME);
    pod.set("spec", spec);
    ObjectNode stored = resources.create(pods, namespace, pod);
    SimulatedPod handle = new SimulatedPod(resources, clock, stored, addresses.next());
    running.put(namespace + "/" + Json.text(stored, "metadata.name"), handle);
    loop.execute(() -> kubelet.podCreated(handle));
    return stored;
  }

  /** The node every simulated Pod is bound to. */
  static final String NODE_NAME = "testkit-node";

  private void deletePod(ObjectNode pod) {
    try {
      resources.delete(
          pods, Json.text(pod, "metadata.namespace"), Json.text(pod, "metadata.name"), null);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }

  private List<ObjectNode> ownedPods(String namespace, String uid) {
    List<ObjectNode> owned = new ArrayList<>();
    for (ObjectNode pod : resources.store().list("", "pods", namespace)) {
      if (pod.path("metadata").has("deletionTimestamp")) {
        continue;
      }
      for (JsonNode owner : pod.path("metadata").path("ownerReferences")) {
        if (uid.equals(owner.path("uid").asText())) {
          owned.add(pod);
        }
      }
    }
    return owned;
  }

  static boolean isReady(JsonNode pod) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return "True".equals(condition.path("status").asText());
      }
    }
    return false;
  }

  private static int countReady(List<ObjectNode> pods) {
    return (int) pods.stream().filter(DeploymentController::isReady).count();
  }

  private static ObjectNode pickVictim(List<ObjectNode> pods) {
    return pods.stream().filter(p -> !isReady(p)).findFirst().orElse(pods.get(pods.size() - 1));
  }

  /** An IntOrString of maxSurge (rounded up) or maxUnavailable (rounded down) against replicas. */
  static int resolve(JsonNode value, int replicas, boolean roundUp) {
    if (value.isMissingNode() || value.isNull()) {
      return resolve(Json.MAPPER.getNodeFactory().textNode("25%"), replicas, roundUp);
    }
    if (value.isNumber()) {
      return value.asInt();
    }
    String text = value.asText();
    if (!text.endsWith("%")) {
      return Integer.parseInt(text);
    }
    double scaled = Integer.parseInt(text.substring(0, text.length() - 1)) * replicas / 100.0;
    return (int) (roundUp ? Math.ceil(scaled) : Math.floor(scaled));
  }

  /** A stable hash of the pod template, spelled like the real one (safe alphabet, 10 chars). */
  static String templateHash(JsonNode template) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Json.write(Json.sorted(template)).getBytes(StandardCharsets.UTF_8));
      String alphabet = "bcdfghjklmnpqrstvwxz2456789";
      StringBuilder hash = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        hash.append(alphabet.charAt((digest[i] & 0xff) % alphabet.length()));
      }
      return hash.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    deadlines.values().forEach(Scheduler.Task::cancel);
    loop.shutdownNow();
  }
}
