package io.akproxy.e2e;

import io.akproxy.testkit.kube.Kubelet;
import io.akproxy.testkit.kube.PodHandle;
import io.akproxy.testkit.runtime.RuntimeProcess;
import io.akproxy.testkit.time.ManualClock;
import io.akproxy.testkit.time.Scheduler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The simulated cluster's node: for every Pod the Deployment controller creates, a {@link LocalPod}
 * that runs the runtime as a process; the Pod object changing makes that pod sync at once, as the
 * real kubelet does; a deleted Pod's process gets SIGTERM. Nothing else makes a changed ConfigMap
 * or Secret reach a pod before its periodic sync, which runs on a clock of its own: a test's {@link
 * ManualClock} says exactly when "the next periodic sync" comes. A test can also make the node
 * worse than a healthy one: ignore Pod updates (only the periodic sync delivers), never pull an
 * image, or deliver a Secret other than the API holds.
 */
public final class LocalKubelet implements Kubelet, AutoCloseable {

  private final Path dir;
  private final Path runtimeJar;
  private final Scheduler syncClock;
  private final Duration syncPeriod;
  private final Scheduler scheduler = Scheduler.system("local-kubelet");
  private final ExecutorService stopper =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "local-kubelet-stop");
            thread.setDaemon(true);
            return thread;
          });
  private final List<LocalPod> pods = new ArrayList<>();
  private volatile KubernetesClient client;
  private volatile Map<String, String> clusterDns = Map.of();
  private volatile boolean honourPodUpdates = true;
  private volatile Predicate<String> neverPulls = image -> false;
  private final Map<String, UnaryOperator<Map<String, byte[]>>> secretDeliveries =
      new ConcurrentHashMap<>();

  /**
   * @param syncClock what the periodic syncs are timed on (real time, or a test's ManualClock)
   * @param syncPeriod the periodic sync of every pod (the real kubelet's is 60 s plus jitter)
   */
  public LocalKubelet(Path dir, Path runtimeJar, Scheduler syncClock, Duration syncPeriod) {
    this.dir = dir;
    this.runtimeJar = runtimeJar;
    this.syncClock = syncClock;
    this.syncPeriod = syncPeriod;
  }

  /**
   * Whether a change of a Pod object makes the node sync that pod at once (true, the real kubelet's
   * behaviour); false: a tuned or lagging node that delivers only at its periodic sync.
   */
  public void honourPodUpdates(boolean honour) {
    this.honourPodUpdates = honour;
  }

  /** Pods whose image {@code image} matches never start: ImagePullBackOff, as a missing tag. */
  public void imagesThatNeverPull(Predicate<String> image) {
    this.neverPulls = image;
  }

  /**
   * From now on, every sync delivers {@code delivery} applied to Secret {@code name}'s files
   * instead of the files themselves (a node that writes a wrong file); null: the Secret as it is.
   */
  public void deliverSecret(String name, UnaryOperator<Map<String, byte[]>> delivery) {
    if (delivery == null) {
      secretDeliveries.remove(name);
    } else {
      secretDeliveries.put(name, delivery);
    }
  }

  /** What the node writes into a pod's volume for Secret {@code name} holding {@code files}. */
  Map<String, byte[]> delivered(String name, Map<String, byte[]> files) {
    UnaryOperator<Map<String, byte[]>> delivery = secretDeliveries.get(name);
    return delivery == null ? files : delivery.apply(files);
  }

  boolean neverPulls(String image) {
    return neverPulls.test(image);
  }

  /**
   * What the node reads volumes through, and what cluster DNS resolves Services to ({@code
   * host:port} → {@code ip:port}). Called before any Pod is created.
   */
  public void connect(KubernetesClient client, Map<String, String> clusterDns) {
    this.client = client;
    this.clusterDns = Map.copyOf(clusterDns);
  }

  @Override
  public void podCreated(PodHandle handle) {
    LocalPod pod =
        new LocalPod(
            handle,
            this,
            client,
            dir.resolve(handle.name()),
            runtimeJar,
            clusterDns,
            scheduler,
            stopper);
    synchronized (pods) {
      pods.add(pod);
    }
    pod.start(syncClock, syncPeriod);
  }

  @Override
  public void podUpdated(PodHandle handle) {
    if (honourPodUpdates) {
      find(handle.name()).ifPresent(LocalPod::podChanged);
    }
  }

  @Override
  public void podDeleted(PodHandle handle) {
    find(handle.name())
        .ifPresent(
            pod -> {
              synchronized (pods) {
                pods.remove(pod);
              }
              pod.close();
            });
  }

  /** {@code kubectl logs}: what the pod's runtime process has written so far. */
  @Override
  public Optional<String> log(String namespace, String name) {
    return find(name).flatMap(LocalPod::runtime).map(RuntimeProcess::logText);
  }

  /** The pods on this node, oldest first. */
  public List<LocalPod> pods() {
    synchronized (pods) {
      return List.copyOf(pods);
    }
  }

  public Optional<LocalPod> find(String name) {
    return pods().stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The newest pod whose container is ready, if any. */
  public Optional<LocalPod> newestReady() {
    List<LocalPod> all = new ArrayList<>(pods());
    java.util.Collections.reverse(all);
    return all.stream()
        .filter(p -> p.runtime().map(r -> r.isAlive() && r.isReady()).orElse(false))
        .findFirst();
  }

  @Override
  public void close() {
    pods().forEach(LocalPod::close);
    scheduler.close();
    stopper.shutdown();
    try {
      stopper.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
