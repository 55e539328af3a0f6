package io.akproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.api.AuthentikProxy;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop with the runtime as its own process: API → operator → ConfigMap/Deployment →
 * kubelet-style volumes → runtime → fake authentik. Each test deploys its own AuthentikProxy.
 */
class WholeLoopIT {

  private static final String NAMESPACE = "e2e";
  private static final String HOST = "sso.example.com";
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir static Path work;

  private static LocalCluster cluster;
  private static KubernetesClient client;
  private static FakeAuthentik authentik;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = LocalCluster.start(NAMESPACE);
    client = cluster.client();
    authentik = cluster.startAuthentik();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    authentik.close();
    cluster.close();
  }

  @AfterEach
  void closeTestResources() throws Exception {
    for (AutoCloseable resource : toClose) {
      resource.close();
    }
  }

  @Test
  void aNewResourceServesTrafficWithTheForwardedHeadersAuthentikNeeds() throws Exception {
    DemoCertificates.Issued cert = certificate();
    LocalPod pod = deploy("create", cert, proxy -> {});

    ProxyClient.Response response =
        client(pod, cert).get("/api/v3/root/config/", Map.of("X-Forwarded-For", "203.0.113.66"));

    FakeAuthentik.Received received = authentik.lastReceived();
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("strict-transport-security")).isEqualTo("max-age=63072000");
    assertThat(received.target()).isEqualTo("/api/v3/root/config/");
    assertThat(received.header("host")).isEqualTo(HOST);
    assertThat(received.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(received.header("x-forwarded-proto")).isEqualTo("https");
    assertThat(status("create").configHash).startsWith("sha256:");
  }

  @Test
  void aCertificateRotatedInTheApiIsServedWithoutRestartOrAFailedRequest() throws Exception {
    DemoCertificates.Issued first = certificate();
    DemoCertificates.Issued second = certificate();
    LocalPod pod = deploy("rotate", first, proxy -> {});
    long pid = pod.runtime().orElseThrow().pid();
    ProxyClient browser =
        new ProxyClient(HOST, pod.httpsPort(), List.of(first.certificate(), second.certificate()));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    Thread load =
        new Thread(
            () -> {
              while (running.get()) {
                try {
                  int status = browser.get("/if/flow/", Map.of()).status();
                  if (status != 200) {
                    failure.compareAndSet(null, "status " + status);
                  }
                } catch (Exception e) {
                  failure.compareAndSet(null, e.toString());
                }
                sent.incrementAndGet();
              }
            });
    load.start();
    await().atMost(PATIENCE).until(() -> sent.get() >= 5);

    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(second.tlsSecret(NAMESPACE, "rotate-tls"))
        .update();

    await()
        .atMost(PATIENCE)
        .until(() -> second.serialHex().equals(browser.get("/", Map.of()).certificateSerial()));
    int atSwap = sent.get();
    await().atMost(PATIENCE).until(() -> sent.get() >= atSwap + 5);
    running.set(false);
    load.join();
    assertThat(failure.get()).as("a request failed during rotation").isNull();
    assertThat(pod.runtime().orElseThrow().pid()).isEqualTo(pid);
    await()
        .atMost(PATIENCE)
        .until(() -> second.serialHex().equals(status("rotate").certificate.serial));
  }

  @Test
  void trustedProxyCidrsChangedInTheResourceApplyLive() throws Exception {
    DemoCertificates.Issued cert = certificate();
    LocalPod pod = deploy("cidrs", cert, proxy -> {});
    ProxyClient browser = client(pod, cert);
    long pid = pod.runtime().orElseThrow().pid();

    browser.get("/", Map.of("X-Forwarded-For", "203.0.113.66"));
    assertThat(authentik.lastReceived().header("x-forwarded-for")).isEqualTo("127.0.0.1");

    client
        .resources(AuthentikProxy.class)
        .inNamespace(NAMESPACE)
        .withName("cidrs")
        .edit(
            proxy -> {
              proxy.getSpec().trustedProxyCIDRs = List.of("127.0.0.0/8");
              return proxy;
            });

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              browser.get("/", Map.of("X-Forwarded-For", "203.0.113.66"));
              assertThat(authentik.lastReceived().header("x-forwarded-for"))
                  .isEqualTo("203.0.113.66, 127.0.0.1");
            });
    assertThat(pod.runtime().orElseThrow().pid()).isEqualTo(pid);
  }

  @Test
  void aBadSecretKeepsTheOldCertificateServingAndTheStatusSaysWhy() throws Exception {
    DemoCertificates.Issued good = certificate();
    LocalPod pod = deploy("badsecret", good, proxy -> {});
    ProxyClient browser = client(pod, good);
    DemoCertificates.Issued other = certificate();
    KeyPair wrongKey = certificate().keyPair();
    DemoCertificates.Issued mismatched = new DemoCertificates.Issued(other.certificate(), wrongKey);

    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(mismatched.tlsSecret(NAMESPACE, "badsecret-tls"))
        .update();

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                condition("badsecret", "TLSReady")
                    .filter(
                        c -> "False".equals(c.getStatus()) && "KeyMismatch".equals(c.getReason()))
                    .isPresent());
    // The kubelet projected the bad Secret too: the runtime refused it and serves the old one.
    await()
        .atMost(PATIENCE)
        .until(() -> pod.runtime().orElseThrow().admin("/status").body().contains("\"failed\""));
    ProxyClient.Response response = browser.get("/", Map.of());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.certificateSerial()).isEqualTo(good.serialHex());
  }

  @Test
  void deletingTheResourceRemovesItsChildrenAndStopsTheProxy() throws Exception {
    LocalPod pod = deploy("delete", certificate(), proxy -> {});
    RuntimeProcess runtime = pod.runtime().orElseThrow();

    client.resources(AuthentikProxy.class).inNamespace(NAMESPACE).withName("delete").delete();

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(client.configMaps().inNamespace(NAMESPACE).withName("delete-proxy").get())
                  .isNull();
              assertThat(
                      client
                          .apps()
                          .deployments()
                          .inNamespace(NAMESPACE)
                          .withName("delete-proxy")
                          .get())
                  .isNull();
              assertThat(client.services().inNamespace(NAMESPACE).withName("delete-proxy").get())
                  .isNull();
              assertThat(
                      client
                          .serviceAccounts()
                          .inNamespace(NAMESPACE)
                          .withName("delete-proxy")
                          .get())
                  .isNull();
            });
    await().atMost(PATIENCE).until(() -> !runtime.isAlive());
  }

  private LocalPod deploy(
      String name,
      DemoCertificates.Issued cert,
      java.util.function.Consumer<AuthentikProxy> customize)
      throws Exception {
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(cert.tlsSecret(NAMESPACE, name + "-tls"))
        .create();
    AuthentikProxy proxy =
        client
            .resources(AuthentikProxy.class)
            .load(WholeLoopIT.class.getResourceAsStream("/demo-authentikproxy.yaml"))
            .item();
    proxy.getMetadata().setName(name);
    proxy.getMetadata().setNamespace(NAMESPACE);
    proxy.getSpec().tls.secretName = name + "-tls";
    customize.accept(proxy);
    client.resources(AuthentikProxy.class).inNamespace(NAMESPACE).resource(proxy).create();
    LocalPod pod =
        new LocalPod(
                client,
                NAMESPACE,
                name + "-proxy",
                work.resolve(name),
                RuntimeProcess.jar(),
                cluster.clusterDns(authentik))
            .start(Duration.ofMillis(300));
    toClose.add(pod);
    await()
        .atMost(PATIENCE)
        .until(
            () -> condition(name, "Ready").filter(c -> "True".equals(c.getStatus())).isPresent());
    await().atMost(PATIENCE).until(() -> pod.runtime().map(RuntimeProcess::isReady).orElse(false));
    return pod;
  }

  private static ProxyClient client(LocalPod pod, DemoCertificates.Issued cert) {
    return new ProxyClient(HOST, pod.httpsPort(), List.of(cert.certificate()));
  }

  private static DemoCertificates.Issued certificate() {
    return DemoCertificates.selfSigned(List.of(HOST), Duration.ofDays(90));
  }

  private static io.akproxy.operator.api.AuthentikProxyStatus status(String name) {
    return client
        .resources(AuthentikProxy.class)
        .inNamespace(NAMESPACE)
        .withName(name)
        .get()
        .getStatus();
  }

  private static Optional<Condition> condition(String name, String type) {
    AuthentikProxy proxy =
        client.resources(AuthentikProxy.class).inNamespace(NAMESPACE).withName(name).get();
    if (proxy == null || proxy.getStatus() == null) {
      return Optional.empty();
    }
    return proxy.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
