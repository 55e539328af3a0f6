package io.akproxy.e2e;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * An embedded API server (fabric8's mock server in CRUD mode) with the AuthentikProxy CRD
 * installed, a namespace, and the operator running in-process against it.
 */
public final class LocalCluster implements AutoCloseable {

  /** The upstream Service's name, as authentik's Helm chart calls it. */
  public static final String AUTHENTIK_SERVICE = "authentik-server";

  /** Where the operator jar carries the generated CRD. */
  static final String CRD_RESOURCE = "META-INF/fabric8/authentikproxies.akproxy.io-v1.yml";

  /** The mock server logs every request at INFO through JUL; the story is what matters here. */
  private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final AkproxyOperator operator;
  private final LocalGarbageCollector garbageCollector;
  private final String namespace;

  private LocalCluster(String namespace) {
    this.namespace = namespace;
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(loadCrd()).create();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    operator = new AkproxyOperator(client, OperatorSettings.forNamespaces(namespace));
    garbageCollector = new LocalGarbageCollector(client, namespace);
  }

  /** Starts the API server and the operator watching {@code namespace}. */
  public static LocalCluster start(String namespace) {
    LocalCluster cluster = new LocalCluster(namespace);
    cluster.operator.start();
    cluster.garbageCollector.start(java.time.Duration.ofMillis(500));
    return cluster;
  }

  public KubernetesClient client() {
    return client;
  }

  public String namespace() {
    return namespace;
  }

  /** The API server's URL, for a kubeconfig pointing kubectl at it. */
  public String url() {
    return client.getMasterUrl().toString();
  }

  /**
   * Starts authentik's stand-in on loopback (HTTPS, a JSON echo of what it receives) and publishes
   * it as the Service {@value #AUTHENTIK_SERVICE} (ports https 9443, http 9000), as authentik's
   * Helm chart names it.
   */
  public AuthentikStub startAuthentik() {
    AuthentikStub authentik =
        AuthentikStub.https(
            Certificates.forHosts(
                    AUTHENTIK_SERVICE,
                    AUTHENTIK_SERVICE + "." + namespace + ".svc",
                    AUTHENTIK_SERVICE + "." + namespace + ".svc.cluster.local")
                .issue());
    client
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
    return authentik;
  }

  /**
   * What cluster DNS and the Service would make of the upstream's name: {@code
   * authentik-server.<namespace>.svc.cluster.local:9443} → the stub's loopback address and port.
   */
  public Map<String, String> clusterDns(AuthentikStub authentik) {
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

  public CustomResourceDefinition crd() {
    return client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("authentikproxies.akproxy.io")
        .get();
  }

  @Override
  public void close() {
    garbageCollector.close();
    operator.stop();
    client.close();
    server.destroy();
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  private static CustomResourceDefinition loadCrd() {
    try (InputStream in = LocalCluster.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            CRD_RESOURCE + " is not on the classpath: build the operator");
      }
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
