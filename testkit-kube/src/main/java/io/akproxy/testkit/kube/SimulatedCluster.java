package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akproxy.testkit.time.Scheduler;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An embedded Kubernetes API server that behaves like a real one at its worst: it stores built-in
 * objects the way the apiserver does (Go omitempty, defaults, allocated Service addresses),
 * separates status into a subresource, refuses stale and immutable writes, forgets old
 * resourceVersions when it restarts (410 Gone), collects garbage, runs a small Deployment
 * controller, and answers kubectl (discovery, Tables). Requests are recorded by User-Agent and
 * faults can be injected.
 *
 * <pre>{@code
 * try (SimulatedCluster cluster = SimulatedCluster.builder()
 *     .crd(Path.of("../crds/authentikproxies.akproxy.io-v1.yml"))
 *     .namespace("authentik")
 *     .start()) {
 *   KubernetesClient operatorClient = cluster.newClient("akproxy-operator");
 *   ...
 *   cluster.requests().writesWhenQuiet("akproxy-operator", Duration.ofMillis(500), WAIT);
 * }
 * }</pre>
 */
public final class SimulatedCluster implements AutoCloseable {

  /** The User-Agent of {@link #client()}: faults skip it, so a test's own setup never fails. */
  public static final String TEST_AGENT = "testkit-test";

  /** Child loggers of Vert.x are noisy at INFO about closed connections; kept referenced. */
  private static final java.util.logging.Logger VERTX_LOG =
      java.util.logging.Logger.getLogger("io.vertx");

  static {
    VERTX_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  private final Scheduler scheduler;
  private final boolean ownsScheduler;
  private final Clock clock;
  private final Vertx vertx;
  private final Store store = new Store();
  private final ResourceTypes types = new ResourceTypes();
  private final Watches watches = new Watches(store);
  private final ApiResources resources;
  private final GarbageCollector garbageCollector;
  private final DeploymentController deploymentController;
  private final RequestLog requests = new RequestLog();
  private final Faults faults = new Faults(TEST_AGENT);
  private final HttpFront front;
  private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
  private final KubernetesClient testClient;
  private final int port;

  private SimulatedCluster(Builder builder) {
    this.scheduler =
        builder.scheduler != null ? builder.scheduler : Scheduler.system("testkit-kube-time");
    this.ownsScheduler = builder.scheduler == null;
    this.clock = scheduler.clock();
    this.vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4).setEventLoopPoolSize(2));
    this.resources = new ApiResources(types, store, watches, clock);
    this.garbageCollector = new GarbageCollector(resources);
    this.deploymentController = new DeploymentController(resources, scheduler, builder.kubelet);
    this.front =
        new HttpFront(
            vertx,
            resources,
            new Discovery(types, builder.major, builder.minor),
            new OpenApi(types),
            new Tables(clock),
            requests,
            faults,
            builder.kubelet);
    this.port = front.start(0);
    this.testClient = newClient(TEST_AGENT);
    for (JsonNode crd : builder.crds) {
      createCrd(crd);
    }
    for (String namespace : builder.namespaces) {
      createNamespace(namespace);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The server's URL, {@code http://127.0.0.1:<port>}; stable across {@link #restart()}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** A client whose requests are recorded as {@link #TEST_AGENT}'s. Closed with the cluster. */
  public KubernetesClient client() {
    return testClient;
  }

  /**
   * A new client (JDK HTTP client, no request retries) sending {@code userAgent}, so {@link
   * #requests()} can tell its requests apart. Closed with the cluster.
   */
  public KubernetesClient newClient(String userAgent) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url())
            .withNamespace("default")
            .withTrustCerts(true)
            .withUserAgent(userAgent)
            // Like fabric8's mock clients: HTTP/1.1, and no client-side retries that would hide
            // an injected failure.
            .withHttp2Disable(true)
            .withRequestRetryBackoffLimit(0)
            .build();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    clients.add(client);
    return client;
  }

  /** The Deployment controller: its status writes, pause/resume, resync. */
  public DeploymentController deployments() {
    return deploymentController;
  }

  /** Every request received, by User-Agent. */
  public RequestLog requests() {
    return requests;
  }

  /** Failures to inject into the next matching requests. */
  public Faults faults() {
    return faults;
  }

  /** The current resourceVersion (etcd revision) of the whole store. */
  public long resourceVersion() {
    return store.resourceVersion();
  }

  public Clock clock() {
    return clock;
  }

  /** Creates a namespace (namespaced objects cannot be created in one that does not exist). */
  public void createNamespace(String name) {
    ObjectNode namespace = Json.object();
    namespace.put("apiVersion", "v1");
    namespace.put("kind", "Namespace");
    namespace.putObject("metadata").put("name", name);
    resources.create(types.find("", "v1", "namespaces").orElseThrow(), null, namespace);
  }

  /** Creates a CustomResourceDefinition from YAML or JSON; its kinds are served at once. */
  public void createCrd(InputStream yamlOrJson) {
    createCrd(
        (JsonNode)
            Json.MAPPER.valueToTree(
                Serialization.unmarshal(yamlOrJson, CustomResourceDefinition.class)));
  }

  private void createCrd(JsonNode crd) {
    ObjectNode object = (ObjectNode) crd.deepCopy();
    Json.metadata(object).remove("resourceVersion");
    resources.create(
        types.find("apiextensions.k8s.io", "v1", "customresourcedefinitions").orElseThrow(),
        null,
        object);
  }

  /**
   * What clients see when an API server restarts: every connection and watch drops, the server is
   * there again at the same address with the same objects, and every resourceVersion handed out
   * before is too old (watches and continued lists from it get 410 Gone). The listening port is
   * never released, so no other process can take it meanwhile.
   */
  public void restart() {
    store.forgetHistory();
    watches.closeAll();
    front.dropConnections();
  }

  /**
   * Writes a kubeconfig for kubectl pointing at this server (context {@code testkit}, the given
   * default namespace) and returns the file.
   */
  public Path writeKubeconfig(Path file, String namespace) {
    String kubeconfig =
        "apiVersion: v1\n"
            + "kind: Config\n"
            + "clusters:\n"
            + "- name: testkit\n"
            + "  cluster:\n"
            + "    server: "
            + url()
            + "\n"
            + "users:\n"
            + "- name: testkit\n"
            + "  user: {}\n"
            + "contexts:\n"
            + "- name: testkit\n"
            + "  context:\n"
            + "    cluster: testkit\n"
            + "    user: testkit\n"
            + "    namespace: "
            + namespace
            + "\n"
            + "current-context: testkit\n";
    try {
      Files.writeString(file, kubeconfig, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    for (KubernetesClient client : clients) {
      client.close();
    }
    deploymentController.close();
    if (ownsScheduler) {
      scheduler.close();
    }
    garbageCollector.close();
    watches.closeAll();
    front.shutdown();
    vertx.close();
  }

  /** Options for {@link SimulatedCluster}. */
  public static final class Builder {
    private Scheduler scheduler;
    private Kubelet kubelet = Kubelet.instant();
    private int major = Discovery.DEFAULT_MAJOR;
    private int minor = Discovery.DEFAULT_MINOR;
    private final List<JsonNode> crds = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();

    private Builder() {}

    /**
     * The time of timestamps, ages and the Deployment controller's progress deadline; a test's
     * {@link io.akproxy.testkit.time.ManualClock} moves it by hand ({@code advance} runs the
     * controller's deadline checks). Default: real time.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** What runs the Deployment controller's Pods; default {@link Kubelet#instant()}. */
    public Builder kubelet(Kubelet kubelet) {
      this.kubelet = kubelet;
      return this;
    }

    /** A CRD to create at start, from a YAML or JSON file. */
    public Builder crd(Path file) {
      try (InputStream in = Files.newInputStream(file)) {
        return crd(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A CRD to create at start, from a classpath resource (YAML or JSON). */
    public Builder crdResource(String classpathResource) {
      try (InputStream in =
          Thread.currentThread().getContextClassLoader().getResourceAsStream(classpathResource)) {
        if (in == null) {
          throw new IllegalArgumentException(classpathResource + " is not on the classpath");
        }
        return crd(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public Builder crd(InputStream yamlOrJson) {
      crds.add(
          Json.MAPPER.valueToTree(
              Serialization.unmarshal(yamlOrJson, CustomResourceDefinition.class)));
      return this;
    }

    /**
     * The version {@code /version} reports (what {@code kubectl version} and clients' version
     * checks read); default 1.32, kubectl's own.
     */
    public Builder kubernetesVersion(int major, int minor) {
      this.major = major;
      this.minor = minor;
      return this;
    }

    /** A namespace to create at start. */
    public Builder namespace(String name) {
      namespaces.add(name);
      return this;
    }

    public SimulatedCluster start() {
      return new SimulatedCluster(this);
    }
  }
}
