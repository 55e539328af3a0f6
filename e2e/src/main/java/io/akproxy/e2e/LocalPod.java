package io.akproxy.e2e;

import io.akproxy.config.ConfigParser;
import io.akproxy.config.Listeners;
import io.akproxy.testkit.kubelet.PodSync;
import io.akproxy.testkit.kubelet.ProjectedVolume;
import io.akproxy.testkit.runtime.RuntimeImage;
import io.akproxy.testkit.runtime.RuntimeProcess;
import io.akproxy.testkit.time.Scheduler;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays, for one AuthentikProxy's Deployment, the parts of a cluster that the API server does not
 * have: the kubelet and one pod. Each sync ({@link PodSync}: at start, then periodically) projects
 * the pod's ConfigMap and Secret volumes as the kubelet does ({@link ProjectedVolume}) and runs the
 * container: the runtime jar as a process, with the image's own JVM flags and arguments and the
 * pod's unmodified {@code proxy.json}, its files under the pod's own root ({@code --root}), its
 * listeners on the pod's own address ({@code --bind-address 127.x.y.z}, the configuration's ports)
 * and the upstream Service's cluster DNS name pointing at the local authentik ({@code --resolve}).
 * So {@code /status} reports the very config hash the operator rendered.
 *
 * <p>A pod's spec is frozen when it starts: when the Deployment's pod template changes, the pod is
 * replaced (the runtime stopped, a new one started on a new address), as a rollout would. The pod's
 * readiness is reported as the Deployment's status.
 */
public final class LocalPod implements AutoCloseable {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final String namespace;
  private final String deploymentName;
  private final Path dir;
  private final Path runtimeJar;
  private final Map<String, String> clusterDns;
  private final Scheduler scheduler;
  private final Duration syncPeriod;
  private final AtomicInteger generation = new AtomicInteger();
  private volatile Instance instance;
  private volatile String lastError;
  private volatile PodSync sync;

  /** One pod: its frozen template, address, root directory, volumes and container. */
  private static final class Instance {
    final String template;
    final InetAddress address;
    final Path root;
    final Map<String, ProjectedVolume> volumes = new HashMap<>();
    volatile RuntimeProcess runtime;
    volatile Listeners listeners;

    Instance(String template, InetAddress address, Path root) {
      this.template = template;
      this.address = address;
      this.root = root;
    }
  }

  /**
   * @param clusterDns {@code host:port} as the operator renders it (a Service's cluster DNS name) →
   *     the {@code ip:port} it reaches on this machine
   * @param syncPeriod the kubelet's periodic sync
   */
  public LocalPod(
      KubernetesClient client,
      String namespace,
      String deploymentName,
      Path dir,
      Path runtimeJar,
      Map<String, String> clusterDns,
      Scheduler scheduler,
      Duration syncPeriod) {
    this.client = client;
    this.namespace = namespace;
    this.deploymentName = deploymentName;
    this.dir = dir;
    this.runtimeJar = runtimeJar;
    this.clusterDns = Map.copyOf(clusterDns);
    this.scheduler = scheduler;
    this.syncPeriod = syncPeriod;
  }

  public synchronized LocalPod start() {
    sync =
        PodSync.start(
            scheduler,
            syncPeriod,
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
              }
            });
    return this;
  }

  /** The running container, if the pod has started it. */
  public Optional<RuntimeProcess> runtime() {
    Instance current = instance;
    return current == null ? Optional.empty() : Optional.ofNullable(current.runtime);
  }

  /** The pod's address. */
  public InetAddress address() {
    return current().address;
  }

  public InetSocketAddress httpsAddress() {
    return new InetSocketAddress(address(), listeners().https().port());
  }

  public InetSocketAddress httpAddress() {
    return new InetSocketAddress(address(), listeners().http().port());
  }

  public InetSocketAddress adminAddress() {
    return new InetSocketAddress(address(), listeners().admin().port());
  }

  /** Where the pod's files are: {@code /etc/akproxy/...} is under this directory. */
  public Path root() {
    return current().root;
  }

  /** How many pods this Deployment has had (a replaced pod counts anew). */
  public int generation() {
    return generation.get();
  }

  /** Kubelet syncs of this pod so far. */
  public long syncs() {
    PodSync current = sync;
    return current == null ? 0 : current.syncs();
  }

  /** The last sync problem (a volume that cannot be mounted yet, a runtime that died), if any. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  private Instance current() {
    Instance current = instance;
    if (current == null) {
      throw new IllegalStateException("the pod has not started");
    }
    return current;
  }

  private Listeners listeners() {
    Listeners listeners = current().listeners;
    if (listeners == null) {
      throw new IllegalStateException("the pod's container has not started");
    }
    return listeners;
  }

  @Override
  public synchronized void close() {
    if (sync != null) {
      sync.close();
    }
    stopPod();
  }

  /** One kubelet sync of the pod. */
  private synchronized void sync() throws IOException {
    Deployment deployment =
        client.apps().deployments().inNamespace(namespace).withName(deploymentName).get();
    if (deployment == null) {
      // The Deployment is gone (deleted with its AuthentikProxy): its pod goes too.
      stopPod();
      return;
    }
    String template = JSON.asJson(deployment.getSpec().getTemplate());
    if (instance != null && !instance.template.equals(template)) {
      // A pod's spec never changes: a new template means a new pod.
      stopPod();
    }
    if (instance == null) {
      int number = generation.incrementAndGet();
      instance = new Instance(template, PodAddresses.next(), dir.resolve("pod-" + number));
    }
    Instance pod = instance;
    PodTemplateSpec spec = JSON.unmarshal(pod.template, PodTemplateSpec.class);
    Container container = spec.getSpec().getContainers().get(0);
    List<String> missing = new ArrayList<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume =
          spec.getSpec().getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()))
              .findFirst()
              .orElseThrow();
      Path target = under(pod.root, mount.getMountPath());
      if (volume.getEmptyDir() != null) {
        Files.createDirectories(target);
        continue;
      }
      Optional<Map<String, byte[]>> files = contentOf(volume);
      if (files.isEmpty()) {
        missing.add(volume.getName());
        continue;
      }
      pod.volumes
          .computeIfAbsent(mount.getMountPath(), m -> new ProjectedVolume(target))
          .project(files.get(), modeOf(volume));
    }
    RuntimeProcess runtime = pod.runtime;
    if (runtime == null) {
      if (!missing.isEmpty()) {
        // A pod cannot start while a volume is missing; a running one keeps what it has.
        throw new IllegalStateException(
            "volumes " + missing + " cannot be mounted yet: their source does not exist");
      }
      pod.runtime = startContainer(pod, container);
    } else if (!runtime.isAlive()) {
      throw new IllegalStateException("the runtime exited; its log:\n" + runtime.logText());
    }
    reportAvailability(deployment, pod.runtime.isReady());
  }

  private RuntimeProcess startContainer(Instance pod, Container container) throws IOException {
    RuntimeImage image = RuntimeImage.fromRepository();
    List<String> arguments =
        new ArrayList<>(
            container.getArgs() == null || container.getArgs().isEmpty()
                ? image.defaultArguments()
                : container.getArgs());
    int config = arguments.indexOf("--config");
    Path configFile = under(pod.root, arguments.get(config + 1));
    // --config is a local path; every path inside the file is read under --root.
    arguments.set(config + 1, configFile.toString());
    Listeners listeners =
        ConfigParser.parse(Files.readString(configFile, StandardCharsets.UTF_8)).listeners();
    pod.listeners = listeners;
    arguments.addAll(
        List.of("--root", pod.root.toString(), "--bind-address", pod.address.getHostAddress()));
    clusterDns.forEach((name, local) -> arguments.addAll(List.of("--resolve", name + "=" + local)));
    return RuntimeProcess.launcher(runtimeJar)
        .image(image)
        .arguments(arguments)
        .admin(pod.address.getHostAddress(), listeners.admin().port())
        .log(pod.root.resolve("runtime.log"))
        .start();
  }

  private void stopPod() {
    Instance pod = instance;
    instance = null;
    if (pod != null && pod.runtime != null) {
      pod.runtime.close();
    }
  }

  private Optional<Map<String, byte[]>> contentOf(Volume volume) {
    Map<String, byte[]> files = new TreeMap<>();
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
      return Optional.of(files);
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
      return Optional.of(files);
    }
    return Optional.empty();
  }

  private static int modeOf(Volume volume) {
    Integer mode =
        volume.getSecret() != null
            ? volume.getSecret().getDefaultMode()
            : volume.getConfigMap() != null ? volume.getConfigMap().getDefaultMode() : null;
    return mode != null ? mode : ProjectedVolume.DEFAULT_MODE;
  }

  /** {@code /etc/akproxy/tls} under the pod's root. */
  private static Path under(Path root, String podPath) {
    return root.resolve(podPath.startsWith("/") ? podPath.substring(1) : podPath);
  }

  private void reportAvailability(Deployment deployment, boolean ready) {
    int available = ready ? 1 : 0;
    DeploymentStatus current = deployment.getStatus();
    if (current != null
        && Integer.valueOf(available).equals(current.getAvailableReplicas())
        && deployment.getMetadata().getGeneration().equals(current.getObservedGeneration())) {
      return;
    }
    DeploymentCondition condition =
        new DeploymentConditionBuilder()
            .withType("Available")
            .withStatus(ready ? "True" : "False")
            .withReason(ready ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
            .withLastTransitionTime(Instant.now().toString())
            .build();
    deployment.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(deployment.getMetadata().getGeneration())
            .withReplicas(1)
            .withUpdatedReplicas(1)
            .withReadyReplicas(available)
            .withAvailableReplicas(available)
            .withConditions(condition)
            .build());
    client.apps().deployments().inNamespace(namespace).resource(deployment).updateStatus();
  }
}
