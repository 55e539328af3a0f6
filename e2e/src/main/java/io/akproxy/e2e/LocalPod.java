package io.akproxy.e2e;

import io.akproxy.config.ConfigParser;
import io.akproxy.config.Listeners;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Tls;
import io.akproxy.config.Upstream;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays, for one AuthentikProxy's Deployment, the parts of a cluster that the mock API server does
 * not have: the kubelet (project the pod's ConfigMap and Secret volumes into directories laid out
 * as the kubelet does, with atomic {@code ..data} swaps, and run the container: the runtime jar as
 * a process), cluster DNS (the upstream Service's name resolves to a local address) and the
 * Deployment controller (report the pod available once the runtime is ready).
 *
 * <p>One pod runs on this machine, so the pod's fixed paths and ports are mapped: {@code
 * /etc/akproxy/...} to directories under {@code root}, the listener ports to free ones, the bind
 * address to loopback. That mapping is the only change made to the operator's {@code proxy.json};
 * so the runtime's config hash differs from {@code status.configHash} by exactly those fields.
 */
public final class LocalPod implements AutoCloseable {

  private static final String POD_MOUNT_ROOT = "/etc/akproxy/";

  private final KubernetesClient client;
  private final String namespace;
  private final String deploymentName;
  private final Path root;
  private final Path runtimeJar;
  private final Map<String, String> clusterDns;
  private final int httpsPort = freePort();
  private final int httpPort = freePort();
  private final int adminPort = freePort();
  private final Map<String, String> projected = new HashMap<>();
  private final ScheduledExecutorService kubelet =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "local-kubelet");
            thread.setDaemon(true);
            return thread;
          });
  private volatile RuntimeProcess runtime;
  private volatile String lastError;

  /**
   * @param clusterDns {@code host:port} as the operator renders it (a Service's cluster DNS name) →
   *     the {@code host:port} it reaches on this machine
   */
  public LocalPod(
      KubernetesClient client,
      String namespace,
      String deploymentName,
      Path root,
      Path runtimeJar,
      Map<String, String> clusterDns) {
    this.client = client;
    this.namespace = namespace;
    this.deploymentName = deploymentName;
    this.root = root;
    this.runtimeJar = runtimeJar;
    this.clusterDns = Map.copyOf(clusterDns);
  }

  /** Starts syncing every {@code period}, as the kubelet's periodic sync does. */
  public LocalPod start(Duration period) {
    kubelet.scheduleWithFixedDelay(this::syncQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  public int httpsPort() {
    return httpsPort;
  }

  public int httpPort() {
    return httpPort;
  }

  public int adminPort() {
    return adminPort;
  }

  public Path root() {
    return root;
  }

  public Optional<RuntimeProcess> runtime() {
    return Optional.ofNullable(runtime);
  }

  /** The last sync problem (a volume that cannot be mounted yet, a runtime that died), if any. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  @Override
  public void close() {
    kubelet.shutdownNow();
    try {
      kubelet.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RuntimeProcess process = runtime;
    if (process != null) {
      process.close();
    }
  }

  private void syncQuietly() {
    try {
      sync();
      lastError = null;
    } catch (RuntimeException | IOException e) {
      lastError = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One kubelet sync: refresh the volumes, start the container, report its readiness. */
  void sync() throws IOException, InterruptedException {
    Deployment deployment =
        client.apps().deployments().inNamespace(namespace).withName(deploymentName).get();
    if (deployment == null) {
      // The Deployment is gone (deleted with its AuthentikProxy): the kubelet stops the pod.
      RuntimeProcess process = runtime;
      runtime = null;
      if (process != null) {
        process.close();
      }
      return;
    }
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<Volume> volumes = deployment.getSpec().getTemplate().getSpec().getVolumes();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume =
          volumes.stream()
              .filter(v -> v.getName().equals(mount.getName()))
              .findFirst()
              .orElseThrow();
      Optional<Map<String, byte[]>> files = contentOf(volume);
      if (files.isEmpty()) {
        if (volume.getEmptyDir() == null && runtime == null) {
          // A pod cannot start while a volume is missing; a running one keeps what it has.
          throw new IllegalStateException(
              "volume " + volume.getName() + " cannot be mounted yet: its source does not exist");
        }
        continue;
      }
      project(mount.getMountPath(), files.get());
    }
    if (runtime == null) {
      Path config = localPath(POD_MOUNT_ROOT + "config/proxy.json");
      runtime = RuntimeProcess.start(runtimeJar, config, adminPort, root.resolve("runtime.log"));
    } else if (!runtime.isAlive()) {
      throw new IllegalStateException("the runtime exited; its log: " + runtime.log());
    }
    reportAvailability(deployment, runtime.isReady());
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
      map.getData().forEach((key, value) -> files.put(key, value.getBytes(StandardCharsets.UTF_8)));
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
      if (secret.getStringData() != null) {
        secret
            .getStringData()
            .forEach((key, value) -> files.put(key, value.getBytes(StandardCharsets.UTF_8)));
      }
      return Optional.of(files);
    }
    return Optional.empty();
  }

  private void project(String mountPath, Map<String, byte[]> files) {
    Map<String, byte[]> content = new LinkedHashMap<>(files);
    if (content.containsKey("proxy.json")) {
      content.put("proxy.json", mapToThisMachine(content.get("proxy.json")));
    }
    String fingerprint = fingerprint(content);
    if (fingerprint.equals(projected.get(mountPath))) {
      return;
    }
    new KubeletVolume(localPath(mountPath)).project(content);
    projected.put(mountPath, fingerprint);
  }

  /** The pod's paths and ports, and the cluster's DNS names, mapped onto this machine. */
  private byte[] mapToThisMachine(byte[] proxyJson) {
    ProxyConfig config = ConfigParser.parse(new String(proxyJson, StandardCharsets.UTF_8));
    Tls tls = config.tls();
    Upstream upstream = config.upstream();
    String caFile = upstream.tls().caFile();
    String authority = upstream.uri().getHost() + ":" + upstream.port();
    String url =
        clusterDns.containsKey(authority)
            ? upstream.uri().getScheme() + "://" + clusterDns.get(authority)
            : upstream.url();
    String serverName = upstream.tls().serverName();
    if (serverName == null && clusterDns.containsKey(authority) && upstream.tls().verify()) {
      // The certificate names the Service, not 127.0.0.1: keep verifying against the Service name.
      serverName = upstream.uri().getHost();
    }
    ProxyConfig mapped =
        config
            .withListeners(
                new Listeners(
                    "127.0.0.1",
                    new Listeners.Https(httpsPort),
                    new Listeners.Http(httpPort, config.listeners().http().redirectToHttps()),
                    new Listeners.Admin(adminPort)))
            .withTls(
                new Tls(
                    localPath(tls.certFile()).toString(),
                    localPath(tls.keyFile()).toString(),
                    tls.minVersion(),
                    tls.http2(),
                    tls.hsts()))
            .withUpstream(
                new Upstream(
                    url,
                    new Upstream.UpstreamTls(
                        upstream.tls().verify(),
                        caFile == null ? null : localPath(caFile).toString(),
                        serverName),
                    upstream.keepAlive(),
                    upstream.connectTimeoutSeconds(),
                    upstream.responseTimeoutSeconds()));
    return mapped.render().getBytes(StandardCharsets.UTF_8);
  }

  private Path localPath(String podPath) {
    if (!podPath.startsWith(POD_MOUNT_ROOT)) {
      throw new IllegalArgumentException(podPath + " is outside " + POD_MOUNT_ROOT);
    }
    String relative = podPath.substring(POD_MOUNT_ROOT.length());
    return root.resolve(relative.isEmpty() ? "." : relative);
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

  /** A digest of the volume's content: the kubelet rewrites a volume only when it changed. */
  private static String fingerprint(Map<String, byte[]> files) {
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
        digest.update(file.getKey().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(file.getValue());
        digest.update((byte) 0);
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
