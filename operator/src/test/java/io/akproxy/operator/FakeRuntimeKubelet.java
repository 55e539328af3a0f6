package io.akproxy.operator;

import com.sun.net.httpserver.HttpServer;
import io.akproxy.config.ConfigParser;
import io.akproxy.operator.model.Names;
import io.akproxy.testkit.kube.Kubelet;
import io.akproxy.testkit.kube.PodHandle;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kubelet whose pods behave like the runtime as far as the operator can tell: each answers {@code
 * GET /status} on its pod IP and the admin port (9000) with the config hash and certificate serial
 * of the files it was last given. Like a real kubelet, it gives a pod the current ConfigMap and TLS
 * copy when it starts the pod, when the Pod object changes (the operator's annotation), and at its
 * periodic sync ({@link #periodicSync}, which a test calls), and at no other time.
 *
 * <p>Its work runs on its own thread, never on the Deployment controller's.
 */
public final class FakeRuntimeKubelet implements Kubelet {

  /** What one pod serves: what its runtime would put in /status. */
  public record Served(String configHash, String serial, String reloadError) {}

  private final Map<String, FakePod> pods = new ConcurrentHashMap<>();
  private final ExecutorService work =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "fake-runtime-kubelet");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicInteger projections = new AtomicInteger();
  private volatile KubernetesClient client;
  private volatile boolean syncOnPodChange = true;
  private volatile String refusal;
  private volatile boolean closed;
  private volatile java.util.function.Predicate<String> neverPulls = image -> false;
  private final AtomicInteger statusReads = new AtomicInteger();

  /** Where it reads the ConfigMaps and Secrets the pods mount: call once the cluster started. */
  public void attach(KubernetesClient client) {
    this.client = client;
  }

  /** false: a kubelet that ignores Pod object changes (only {@link #periodicSync} re-projects). */
  public void syncOnPodChange(boolean sync) {
    this.syncOnPodChange = sync;
  }

  /**
   * From now on the pods' runtimes refuse new files with this error and keep serving the last good
   * set (null: accept again), as the runtime does with a key that does not match its certificate.
   */
  public void refuseReloads(String error) {
    this.refusal = error;
  }

  /** The kubelet's periodic sync: every pod gets the current files. */
  public void periodicSync() {
    run(() -> pods.values().forEach(FakePod::project));
  }

  /** Pods with an image {@code image} accepts never start: ImagePullBackOff, as with a bad tag. */
  public void neverPulls(java.util.function.Predicate<String> image) {
    this.neverPulls = image;
  }

  /** How many times a pod's /status was read, so far. */
  public int statusReads() {
    return statusReads.get();
  }

  /** How many times a pod was given files, so far. */
  public int projections() {
    return projections.get();
  }

  /** What {@code podName} serves, if it runs. */
  public Optional<Served> served(String podName) {
    return Optional.ofNullable(pods.get(podName)).map(p -> p.served);
  }

  @Override
  public void podCreated(PodHandle handle) {
    run(
        () -> {
          if (handle.images().stream().anyMatch(neverPulls)) {
            handle.markWaiting(
                "ImagePullBackOff", "Back-off pulling image \"" + handle.images().get(0) + "\"");
            return;
          }
          FakePod pod = new FakePod(handle);
          pods.put(handle.name(), pod);
          pod.project();
          pod.start();
          handle.markReady();
        });
  }

  @Override
  public void podUpdated(PodHandle handle) {
    if (syncOnPodChange) {
      run(() -> Optional.ofNullable(pods.get(handle.name())).ifPresent(FakePod::project));
    }
  }

  @Override
  public void podDeleted(PodHandle handle) {
    run(() -> Optional.ofNullable(pods.remove(handle.name())).ifPresent(FakePod::stop));
  }

  /** Stops every pod's server. */
  public void close() {
    run(() -> pods.values().forEach(FakePod::stop));
    closed = true;
    work.shutdown();
  }

  private void run(Runnable task) {
    if (closed) {
      return;
    }
    work.execute(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            // Never thrown: Awaitility fails any await, in any test of this JVM, that sees an
            // uncaught exception; a cluster closed under a running task is one.
            if (!closed) {
              System.err.println("fake-runtime-kubelet: " + e);
            }
          }
        });
  }

  private final class FakePod {
    private final PodHandle handle;
    private volatile Served served;
    private HttpServer server;

    FakePod(PodHandle handle) {
      this.handle = handle;
    }

    /** Reads the mounted ConfigMap and TLS copy as they are now, as a volume projection would. */
    void project() {
      Pod pod = handle.pod();
      String configMap = null;
      String secret = null;
      for (Volume volume : pod.getSpec().getVolumes()) {
        if (volume.getConfigMap() != null) {
          configMap = volume.getConfigMap().getName();
        } else if (volume.getSecret() != null && secret == null) {
          secret = volume.getSecret().getSecretName();
        }
      }
      ConfigMap config =
          client.configMaps().inNamespace(handle.namespace()).withName(configMap).get();
      Secret tls = client.secrets().inNamespace(handle.namespace()).withName(secret).get();
      if (config == null || tls == null) {
        return; // a real pod would not start; these tests never get here
      }
      projections.incrementAndGet();
      String hash = ConfigParser.parse(config.getData().get(Names.CONFIG_KEY)).hash();
      String serial = serial(tls.getData().get("tls.crt"));
      String refused = refusal;
      if (served != null
          && refused != null
          && !(served.configHash().equals(hash) && served.serial().equals(serial))) {
        served = new Served(served.configHash(), served.serial(), refused);
      } else {
        served = new Served(hash, serial, null);
      }
    }

    void start() {
      try {
        server =
            HttpServer.create(
                new InetSocketAddress(handle.podIP(), Names.CONTAINER_ADMIN_PORT), 16);
      } catch (IOException e) {
        throw new UncheckedIOException("binding " + handle.podIP() + ":9000", e);
      }
      server.createContext(
          "/status",
          exchange -> {
            statusReads.incrementAndGet();
            byte[] body = json(served).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
    }

    void stop() {
      if (server != null) {
        server.stop(0);
      }
    }
  }

  /** The fields of the runtime's StatusDocument that the operator reads. */
  static String json(Served served) {
    String error = served.reloadError() == null ? "null" : quoted(served.reloadError());
    return "{\"configHash\":"
        + quoted(served.configHash())
        + ",\"certificate\":{\"serial\":"
        + quoted(served.serial())
        + "},\"lastReload\":{\"result\":"
        + (served.reloadError() == null ? "\"ok\"" : "\"failed\"")
        + ",\"error\":"
        + error
        + "},\"restartRequired\":false}";
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String serial(String base64Pem) {
    try {
      X509Certificate certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(
                      new ByteArrayInputStream(Base64.getDecoder().decode(base64Pem)));
      return certificate.getSerialNumber().toString(16);
    } catch (CertificateException e) {
      throw new IllegalStateException("the TLS copy holds no certificate", e);
    }
  }
}
