package io.akproxy.e2e;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.kube.SimulatedCluster;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.time.Scheduler;
import io.akproxy.testkit.time.SkippableTime;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A cluster on one machine: the simulated API server (testkit-kube: defaults, omitempty, status
 * subresources, a Deployment controller, garbage collection, kubectl discovery and tables) with the
 * AuthentikProxy CRD, the operator running in-process against it, authentik's stand-in behind the
 * Service {@value #AUTHENTIK_SERVICE}, and {@link LocalKubelet} running every Pod as a real runtime
 * process.
 */
public final class LocalCluster implements AutoCloseable {

  /** The upstream Service's name, as authentik's Helm chart calls it. */
  public static final String AUTHENTIK_SERVICE = "authentik-server";

  /** Where the operator jar carries the generated CRD. */
  static final String CRD_RESOURCE = "META-INF/fabric8/authentikproxies.akproxy.io-v1.yml";

  private final String namespace;
  private final SkippableTime time = new SkippableTime("local-cluster-time");
  private final LocalKubelet kubelet;
  private final SimulatedCluster cluster;
  private final AuthentikStub authentik;
  private final AkproxyOperator operator;

  private LocalCluster(
      String namespace, Path work, Path runtimeJar, Scheduler kubeletClock, Duration kubeletSync) {
    this.namespace = namespace;
    this.kubelet = new LocalKubelet(work.resolve("pods"), runtimeJar, kubeletClock, kubeletSync);
    this.cluster =
        SimulatedCluster.builder()
            .scheduler(time)
            .crdResource(CRD_RESOURCE)
            .namespace(namespace)
            .kubelet(kubelet)
            .start();
    this.authentik = startAuthentik();
    kubelet.connect(cluster.newClient("local-kubelet"), clusterDns());
    this.operator =
        new AkproxyOperator(
            cluster.newClient("akproxy-operator"), OperatorSettings.forNamespaces(namespace));
  }

  /**
   * Starts the API server, authentik's stand-in, the node and the operator watching {@code
   * namespace}.
   *
   * @param kubeletClock what the node's periodic pod syncs are timed on (real time, or a test's
   *     ManualClock that says when the next one comes)
   * @param kubeletSync the node's periodic pod sync
   */
  public static LocalCluster start(
      String namespace, Path work, Path runtimeJar, Scheduler kubeletClock, Duration kubeletSync) {
    LocalCluster cluster = new LocalCluster(namespace, work, runtimeJar, kubeletClock, kubeletSync);
    cluster.operator.start();
    return cluster;
  }

  /**
   * The API server's time jumps {@code duration} forward (what the Deployment controller's progress
   * deadline is measured on), without waiting; the operator and the pods keep real time.
   */
  public void skipTime(Duration duration) {
    time.skip(duration);
  }

  /** A client for the story (as a user's kubectl would act). */
  public KubernetesClient client() {
    return cluster.client();
  }

  public String namespace() {
    return namespace;
  }

  /** The API server's URL. */
  public String url() {
    return cluster.url();
  }

  /** Writes a kubeconfig for the user's kubectl (default namespace: the demo's). */
  public Path writeKubeconfig(Path file) {
    return cluster.writeKubeconfig(file, namespace);
  }

  public AuthentikStub authentik() {
    return authentik;
  }

  public LocalKubelet kubelet() {
    return kubelet;
  }

  public CustomResourceDefinition crd() {
    return client()
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("authentikproxies.akproxy.io")
        .get();
  }

  /**
   * authentik's stand-in on loopback (HTTPS, a JSON echo of what it receives), published as the
   * Service {@value #AUTHENTIK_SERVICE} (ports https 9443, http 9000) as authentik's Helm chart
   * names it.
   */
  private AuthentikStub startAuthentik() {
    AuthentikStub stub =
        AuthentikStub.https(
            Certificates.forHosts(
                    AUTHENTIK_SERVICE,
                    AUTHENTIK_SERVICE + "." + namespace + ".svc",
                    AUTHENTIK_SERVICE + "." + namespace + ".svc.cluster.local")
                .issue());
    client()
        .services()
        .inNamespace(namespace)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(AUTHENTIK_SERVICE)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("https")
                .withPort(9443)
                .endPort()
                .addNewPort()
                .withName("http")
                .withPort(9000)
                .endPort()
                .endSpec()
                .build())
        .create();
    return stub;
  }

  /**
   * What cluster DNS and the Service make of the upstream's name: {@code
   * authentik-server.<namespace>.svc.cluster.local:9443} → the stub's address and port.
   */
  private Map<String, String> clusterDns() {
    return Map.of(
        AUTHENTIK_SERVICE + "." + namespace + ".svc.cluster.local:9443",
        authentik.address().getAddress().getHostAddress() + ":" + authentik.port());
  }

  /** A {@code kubernetes.io/tls} Secret holding {@code issued}, as cert-manager writes it. */
  public static Secret tlsSecret(String namespace, String name, Issued issued) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(issued.tlsSecretData())
        .build();
  }

  @Override
  public void close() {
    operator.stop();
    kubelet.close();
    authentik.close();
    cluster.close();
    time.close();
  }
}
