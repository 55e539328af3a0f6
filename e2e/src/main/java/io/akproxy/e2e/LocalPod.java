package io.akproxy.e2e;

import io.akproxy.config.ConfigParser;
import io.akproxy.config.Listeners;
import io.akproxy.testkit.kube.PodHandle;
import io.akproxy.testkit.kubelet.PodSync;
import io.akproxy.testkit.kubelet.ProjectedVolume;
import io.akproxy.testkit.runtime.RuntimeImage;
import io.akproxy.testkit.runtime.RuntimeProcess;
import io.akproxy.testkit.time.Scheduler;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * One Pod on {@link LocalKubelet}'s node. Its spec is the Pod object's, frozen when the Deployment
 * controller created it. Each sync ({@link PodSync}: at start, when the Pod object changes, else
 * periodically) projects its ConfigMap and Secret volumes under the pod's own root as the kubelet
 * does ({@link ProjectedVolume}), and the first one that finds every volume starts the container:
 * the runtime jar as a process, with the image's JVM flags and arguments and the pod's unmodified
 * {@code proxy.json}, its files under the pod's root ({@code --root}), its listeners on the Pod's
 * IP ({@code --bind-address 127.x.y.z}, the configuration's own ports) and the upstream Service's
 * cluster DNS name pointing at the local authentik ({@code --resolve}). The readiness probe of the
 * container spec decides what the Pod's status says. As the real kubelet, it starts a container
 * that exited again (restartPolicy Always; the Pod's restartCount counts it), and replaces the
 * container when the Pod's image changes in place: so a test that expects the same process (same
 * pid) sees any restart.
 */
public final class LocalPod implements AutoCloseable {

  /** How soon a failed sync is tried again. */
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final PodHandle handle;
  private final LocalKubelet node;
  private final KubernetesClient client;
  private final Path root;
  private final Path runtimeJar;
  private final Map<String, String> clusterDns;
  private final Scheduler scheduler;
  private final Executor stopper;
  private final PodSpec spec;
  private volatile Container container;
  private final InetAddress address;
  private final Map<String, ProjectedVolume> volumes = new HashMap<>();
  private volatile RuntimeProcess runtime;
  private volatile Listeners listeners;
  private volatile String lastError;
  private volatile Boolean reportedReady;
  private volatile int restarts;
  private boolean pullingBackOff;
  private volatile boolean closed;
  private PodSync sync;
  private Scheduler.Task probe;

  LocalPod(
      PodHandle handle,
      LocalKubelet node,
      KubernetesClient client,
      Path root,
      Path runtimeJar,
      Map<String, String> clusterDns,
      Scheduler scheduler,
      Executor stopper) {
    this.handle = handle;
    this.node = node;
    this.client = client;
    this.root = root;
    this.runtimeJar = runtimeJar;
    this.clusterDns = Map.copyOf(clusterDns);
    this.scheduler = scheduler;
    this.stopper = stopper;
    this.spec = handle.pod().getSpec();
    this.container = spec.getContainers().get(0);
    try {
      this.address = InetAddress.getByName(handle.podIP());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("pod IP " + handle.podIP(), e);
    }
  }

  /**
   * Starts syncing: at once, then every {@code period} on {@code periodic}'s clock unless the Pod
   * object changes first. A failed sync (a volume whose source does not exist yet, a container that
   * exited) is retried a second later in real time, as the kubelet's pod worker backs off.
   */
  synchronized void start(Scheduler periodic, Duration period) {
    sync =
        PodSync.start(
            periodic,
            period,
            0,
            new java.util.Random(),
            this::sync,
            new PodSync.Listener() {
              @Override
              public void synced(PodSync.Reason reason) {
                lastError = null;
              }

              @Override
              public void failed(PodSync.Reason reason, Exception error) {
                lastError = error.getMessage();
                if (!closed) {
                  scheduler.schedule(RETRY, LocalPod.this::podChanged);
                }
              }
            });
  }

  /** The Pod object changed: the kubelet syncs the pod now. */
  void podChanged() {
    PodSync current = sync;
    if (current != null) {
      current.podChanged();
    }
  }

  public String name() {
    return handle.name();
  }

  /** The Pod's IP, on loopback. */
  public InetAddress address() {
    return address;
  }

  public InetSocketAddress httpsAddress() {
    return new InetSocketAddress(address, started().https().port());
  }

  public InetSocketAddress httpAddress() {
    return new InetSocketAddress(address, started().http().port());
  }

  public InetSocketAddress adminAddress() {
    return new InetSocketAddress(address, started().admin().port());
  }

  /** Where the pod's files are: its {@code /etc/akproxy/...} is under this directory. */
  public Path root() {
    return root;
  }

  /** The container's process, once started. */
  public Optional<RuntimeProcess> runtime() {
    return Optional.ofNullable(runtime);
  }

  /** Kubelet syncs of this pod so far. */
  public long syncs() {
    PodSync current = sync;
    return current == null ? 0 : current.syncs();
  }

  /** How often the container was started again (after a crash, or a new image in place). */
  public int restarts() {
    return restarts;
  }

  /** The last sync problem (a volume that cannot be mounted yet, a runtime that died), if any. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  private Listeners started() {
    Listeners current = listeners;
    if (current == null) {
      throw new IllegalStateException("the container of pod " + name() + " has not started");
    }
    return current;
  }

  /** One kubelet sync of the pod. */
  private synchronized void sync() throws IOException {
    if (closed) {
      return;
    }
    List<String> missing = new ArrayList<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume =
          spec.getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()))
              .findFirst()
              .orElseThrow();
      Path target = under(mount.getMountPath());
      if (volume.getEmptyDir() != null) {
        Files.createDirectories(target);
        continue;
      }
      Optional<Map<String, byte[]>> files = contentOf(volume);
      if (files.isEmpty()) {
        missing.add(volume.getName());
        continue;
      }
      volumes
          .computeIfAbsent(mount.getMountPath(), m -> new ProjectedVolume(target))
          .project(files.get(), modeOf(volume));
    }
    RuntimeProcess current = runtime;
    if (current == null && node.neverPulls(container.getImage())) {
      if (!pullingBackOff) {
        // Reported once; the image never comes, so there is nothing to retry.
        handle.markWaiting(
            "ImagePullBackOff", "Back-off pulling image \"" + container.getImage() + "\"");
        pullingBackOff = true;
      }
      return;
    }
    if (current == null) {
      if (!missing.isEmpty()) {
        // A pod cannot start while a volume is missing; a running one keeps what it has.
        String message = "volumes " + missing + " cannot be mounted: their source does not exist";
        handle.markWaiting("ContainerCreating", message);
        throw new IllegalStateException(message);
      }
      runtime = startContainer();
      watchExit(runtime);
      handle.markRunningNotReady();
      reportedReady = false;
      scheduleProbe(initialDelay());
    } else if (!current.isAlive()) {
      // restartPolicy Always: the kubelet reports the crash and starts the container again.
      handle.markCrashed(current.stop(Duration.ZERO), "Error");
      String log = current.logText();
      restartContainer();
      throw new IllegalStateException("the runtime exited and was started again; its log:\n" + log);
    } else if (imageChangedInPlace()) {
      // The container's spec changed (only its image may, on a Pod): the kubelet kills the
      // container and starts the new one, in the same pod.
      current.stop(gracePeriod());
      restartContainer();
    }
  }

  /**
   * A container that exits makes the kubelet sync its pod at once (its pod lifecycle event), not at
   * the next periodic sync; a container the kubelet itself stopped to replace does not.
   */
  private void watchExit(RuntimeProcess process) {
    process.onExit(
        () -> {
          if (!closed && runtime == process) {
            podChanged();
          }
        });
  }

  /**
   * Whether the Pod object's image differs from the running container's; if so, the container spec
   * to start next carries the new image (nothing else of a Pod's spec can change).
   */
  private boolean imageChangedInPlace() {
    String image = handle.pod().getSpec().getContainers().get(0).getImage();
    if (image == null || image.equals(container.getImage())) {
      return false;
    }
    container =
        new io.fabric8.kubernetes.api.model.ContainerBuilder(container).withImage(image).build();
    return true;
  }

  private void restartContainer() throws IOException {
    runtime = startContainer();
    watchExit(runtime);
    restarts++;
    handle.markRestarted();
    reportedReady = false;
  }

  private RuntimeProcess startContainer() throws IOException {
    RuntimeImage image = RuntimeImage.fromRepository();
    List<String> arguments =
        new ArrayList<>(
            container.getArgs() == null || container.getArgs().isEmpty()
                ? image.defaultArguments()
                : container.getArgs());
    int config = arguments.indexOf("--config");
    Path configFile = under(arguments.get(config + 1));
    // --config is a local path; every path inside the file is read under --root.
    arguments.set(config + 1, configFile.toString());
    listeners =
        ConfigParser.parse(Files.readString(configFile, StandardCharsets.UTF_8)).listeners();
    arguments.addAll(
        List.of("--root", root.toString(), "--bind-address", address.getHostAddress()));
    clusterDns.forEach((name, local) -> arguments.addAll(List.of("--resolve", name + "=" + local)));
    return RuntimeProcess.launcher(runtimeJar)
        .image(image)
        .arguments(arguments)
        .admin(address.getHostAddress(), listeners.admin().port())
        .log(root.resolve("runtime.log"))
        .start();
  }

  /**
   * The readiness probe, every periodSeconds as the container spec says; the Pod's status follows.
   */
  private void scheduleProbe(Duration delay) {
    probe =
        scheduler.schedule(
            delay,
            () -> {
              synchronized (this) {
                if (closed) {
                  return;
                }
                RuntimeProcess current = runtime;
                boolean ready = current != null && current.isAlive() && current.isReady();
                if (!Boolean.valueOf(ready).equals(reportedReady)) {
                  if (ready) {
                    handle.markReady();
                  } else {
                    handle.markRunningNotReady();
                  }
                  reportedReady = ready;
                }
                scheduleProbe(period());
              }
            });
  }

  private Duration initialDelay() {
    Probe readiness = container.getReadinessProbe();
    Integer seconds = readiness == null ? null : readiness.getInitialDelaySeconds();
    return Duration.ofSeconds(seconds == null ? 0 : seconds);
  }

  private Duration period() {
    Probe readiness = container.getReadinessProbe();
    Integer seconds = readiness == null ? null : readiness.getPeriodSeconds();
    return Duration.ofSeconds(seconds == null ? 10 : seconds);
  }

  private Optional<Map<String, byte[]>> contentOf(Volume volume) {
    Map<String, byte[]> files = new TreeMap<>();
    String namespace = handle.namespace();
    if (volume.getConfigMap() != null) {
      ConfigMap map =
          client
              .configMaps()
              .inNamespace(namespace)
              .withName(volume.getConfigMap().getName())
              .get();
      if (map == null) {
        return Optional.empty();
      }
      if (map.getData() != null) {
        map.getData()
            .forEach((key, value) -> files.put(key, value.getBytes(StandardCharsets.UTF_8)));
      }
      return Optional.of(selected(files, volume.getConfigMap().getItems()));
    }
    if (volume.getSecret() != null) {
      Secret secret =
          client
              .secrets()
              .inNamespace(namespace)
              .withName(volume.getSecret().getSecretName())
              .get();
      if (secret == null) {
        return Optional.empty();
      }
      if (secret.getData() != null) {
        secret.getData().forEach((key, value) -> files.put(key, Base64.getDecoder().decode(value)));
      }
      return Optional.of(
          selected(
              node.delivered(volume.getSecret().getSecretName(), files),
              volume.getSecret().getItems()));
    }
    return Optional.empty();
  }

  /** A volume's {@code items}: only those keys, at their paths; without items, every key. */
  private static Map<String, byte[]> selected(
      Map<String, byte[]> files, List<io.fabric8.kubernetes.api.model.KeyToPath> items) {
    if (items == null || items.isEmpty()) {
      return files;
    }
    Map<String, byte[]> chosen = new TreeMap<>();
    for (var item : items) {
      if (files.containsKey(item.getKey())) {
        chosen.put(item.getPath(), files.get(item.getKey()));
      }
    }
    return chosen;
  }

  private static int modeOf(Volume volume) {
    Integer mode =
        volume.getSecret() != null
            ? volume.getSecret().getDefaultMode()
            : volume.getConfigMap() != null ? volume.getConfigMap().getDefaultMode() : null;
    return mode != null ? mode : ProjectedVolume.DEFAULT_MODE;
  }

  private Duration gracePeriod() {
    Long grace = spec.getTerminationGracePeriodSeconds();
    return Duration.ofSeconds(grace == null ? 30 : grace);
  }

  /** A path of the pod's filesystem, under the pod's root. */
  private Path under(String podPath) {
    return root.resolve(podPath.startsWith("/") ? podPath.substring(1) : podPath);
  }

  /**
   * Stops syncing and probing; the container gets SIGTERM and its grace period, off this thread.
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (sync != null) {
      sync.close();
    }
    if (probe != null) {
      probe.cancel();
    }
    RuntimeProcess current = runtime;
    if (current != null) {
      Duration grace = gracePeriod();
      stopper.execute(() -> current.stop(grace));
    }
  }
}
