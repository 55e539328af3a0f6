package io.akproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.runtime.RuntimeProcess;
import io.akproxy.testkit.time.Await;
import io.akproxy.testkit.time.Scheduler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's own kubectl (the real binary: this fails, not skips, where it is missing) against the
 * demo's API server, with the operator and real runtime processes behind it: the resource is
 * created, watched, waited for, described, patched and deleted with kubectl alone, and the proxy
 * follows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlIT {

  private static final String NS = "authentik";
  private static final String HOST = "sso.example.com";
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir static Path work;
  private static final Scheduler kubeletClock = Scheduler.system("kubelet-sync");
  private static LocalCluster cluster;
  private static Kubectl kubectl;
  private static Issued certificate;
  private static Process watch;
  private static final List<String> watched = new CopyOnWriteArrayList<>();
  private static boolean ready;

  @BeforeAll
  static void start() throws Exception {
    cluster =
        LocalCluster.start(NS, work, RuntimeProcess.jar(), kubeletClock, WholeLoop.KUBELET_SYNC);
    Path kubeconfig = cluster.writeKubeconfig(work.resolve("kubeconfig"));
    kubectl =
        Kubectl.find(kubeconfig)
            .orElseThrow(
                () -> new AssertionError("kubectl is not on the PATH; this test needs it"));
  }

  @AfterAll
  static void stop() {
    if (watch != null) {
      watch.destroy();
    }
    cluster.close();
    kubeletClock.close();
  }

  @Test
  @Order(1)
  void applyAndWaitBringTheResourceToReady() throws Exception {
    certificate = Certificates.forHosts(HOST).issue();
    Path crt = Files.writeString(work.resolve("tls.crt"), certificate.chainPem());
    Path key = Files.writeString(work.resolve("tls.key"), certificate.keyPem());
    Path resource = Files.writeString(work.resolve("sso.yaml"), WholeLoop.resourceText());
    watch = kubectl.start("get", "akp", "-w", "--output-watch-events");
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(watched::add);
              } catch (Exception e) {
                // the watch ended
              }
            });
    reader.setDaemon(true);
    reader.start();

    // kubectl create sends protobuf, which the simulated API server does not speak: render the
    // Secret client-side and apply it, which sends JSON.
    Path secret =
        Files.writeString(
            work.resolve("sso-tls.yaml"),
            kubectl
                .run(
                    "create",
                    "secret",
                    "tls",
                    "sso-tls",
                    "--cert=" + crt,
                    "--key=" + key,
                    "--dry-run=client",
                    "-o",
                    "yaml")
                .requireSuccess()
                .out());
    assertThat(kubectl.run("apply", "-f", secret.toString()).requireSuccess().out())
        .contains("secret/sso-tls created");
    assertThat(kubectl.run("apply", "-f", resource.toString()).requireSuccess().out())
        .contains("authentikproxy.akproxy.io/sso created");
    Kubectl.Result waited =
        kubectl.run("wait", "--for=condition=Ready", "akp/sso", "--timeout=90s");

    assertThat(waited.exit()).as(waited.err()).isZero();
    assertThat(waited.out()).contains("authentikproxy.akproxy.io/sso condition met");
    ready = true;
  }

  /** {@code kubectl patch akp sso --type merge -p <patch> <more...>}. */
  private static void mergePatch(String patch, String... more) {
    List<String> args =
        new java.util.ArrayList<>(List.of("patch", "akp", "sso", "--type", "merge", "-p", patch));
    args.addAll(List.of(more));
    kubectl.run(args.toArray(String[]::new)).requireSuccess();
  }

  @BeforeEach
  void onlyOnceReady(TestInfo test) {
    if (!test.getTestMethod().orElseThrow().getName().startsWith("applyAndWait")) {
      assumeTrue(ready, "the resource never became Ready");
    }
  }

  @Test
  @Order(2)
  void getShowsThePrinterColumnsAndTheChildren() {
    String get = kubectl.run("get", "akp").requireSuccess().out();
    String wide = kubectl.run("get", "akp", "-o", "wide").requireSuccess().out();
    String children = kubectl.run("get", "deploy,pods,svc,cm,secrets").requireSuccess().out();

    assertThat(WholeLoop.column(get, "sso", "READY")).isEqualTo("True");
    assertThat(get.lines().findFirst().orElseThrow()).startsWith("NAME").contains("READY");
    assertThat(wide).contains("https://authentik-server.authentik.svc.cluster.local:9443");
    assertThat(children)
        .contains("deployment.apps/sso-proxy")
        .contains("service/sso-proxy")
        .contains("configmap/sso-proxy")
        .contains("secret/sso-proxy-tls")
        .containsPattern("pod/sso-proxy-\\S+\\s+1/1\\s+Running");
  }

  @Test
  @Order(3)
  void theChildrenAreDescribedLoggedAndExplained() {
    String deployment = kubectl.run("describe", "deploy", "sso-proxy").requireSuccess().out();
    String logs = kubectl.run("logs", "deploy/sso-proxy").requireSuccess().out();
    String events = kubectl.run("get", "events").requireSuccess().out();
    String explained = kubectl.run("explain", "akp.spec.trustedProxyCIDRs").requireSuccess().out();

    assertThat(deployment).containsPattern("Available\\s+True\\s+MinimumReplicasAvailable");
    LocalPod pod = cluster.kubelet().newestReady().orElseThrow();
    assertThat(logs).contains("listening https on " + pod.address().getHostAddress() + ":8443");
    assertThat(events).containsPattern("Normal\\s+\\S+\\s+authentikproxy/sso");
    assertThat(explained).contains("KIND:       AuthentikProxy", "FIELD: trustedProxyCIDRs");
  }

  @Test
  @Order(3)
  void describeShowsTheConditionsAndEvents() {
    String describe = kubectl.run("describe", "akp", "sso").requireSuccess().out();

    assertThat(describe)
        .containsPattern("Status:\\s+True\\s*\\n\\s*Type:\\s+Ready")
        .containsPattern("Events:\\s*\\n\\s*Type\\s+Reason")
        .contains(certificate.serialHex());
  }

  @Test
  @Order(4)
  void aWatchSawTheResourceBecomeReady() {
    Await.until(
        "kubectl get akp -w printed a Ready row",
        PATIENCE,
        () -> watched.stream().anyMatch(l -> l.matches("(ADDED|MODIFIED)\\s+sso\\s.*True.*")));
    assertThat(watched.get(0)).matches("EVENT\\s+NAME\\s.*");
  }

  @Test
  @Order(5)
  void patchingTrustedProxyCidrsChangesWhatAuthentikReceives() throws Exception {
    LocalPod pod = cluster.kubelet().newestReady().orElseThrow();
    ProxyClient browser =
        new ProxyClient(HOST, pod.httpsAddress(), List.of(certificate.certificate()));
    String peer = browser.get("/", Map.of()).clientAddress();
    assertThat(cluster.authentik().last().header("x-forwarded-for")).isEqualTo(peer);

    mergePatch("{\"spec\":{\"trustedProxyCIDRs\":[\"127.0.0.0/8\"]}}");

    Await.until(
        "authentik receives the client's chain",
        PATIENCE,
        () -> {
          browser.get("/", Map.of("X-Forwarded-For", "203.0.113.66"));
          return ("203.0.113.66, " + peer)
              .equals(cluster.authentik().last().header("x-forwarded-for"));
        });
    assertThat(cluster.kubelet().pods()).containsExactly(pod);
  }

  @Test
  @Order(6)
  void theKubeletRestartsAKilledRuntimeAndOneWhoseImageChangedInPlace() {
    LocalPod pod = cluster.kubelet().newestReady().orElseThrow();
    long first = pod.runtime().orElseThrow().pid();

    ProcessHandle.of(first).orElseThrow().destroyForcibly();
    Await.until(
        "the kubelet started the killed runtime again, ready",
        PATIENCE,
        () -> pod.runtime().filter(r -> r.pid() != first && r.isReady()).isPresent());
    long second = pod.runtime().orElseThrow().pid();
    kubectl
        .run("set", "image", "pod/" + pod.name(), "proxy=ghcr.io/example/akproxy-runtime:next")
        .requireSuccess();
    Await.until(
        "the kubelet replaced the container whose image changed, ready",
        PATIENCE,
        () -> pod.runtime().filter(r -> r.pid() != second && r.isReady()).isPresent());

    assertThat(pod.restarts()).isEqualTo(2);
    Await.until(
        "kubectl get pods shows the pod Running with 2 restarts",
        PATIENCE,
        () ->
            kubectl
                .run("get", "pod", pod.name())
                .out()
                .matches("(?s).*" + pod.name() + "\\s+1/1\\s+Running\\s+2\\s.*"));
    assertThat(cluster.kubelet().pods()).containsExactly(pod);
  }

  @Test
  @Order(7)
  void aServerSideDryRunChangesNothingAndAnEditScalesTheProxy() throws Exception {
    Path editor = work.resolve("editor.sh");
    Files.writeString(editor, "#!/bin/sh\nsed -i 's/^  replicas: 1$/  replicas: 2/' \"$1\"\n");
    Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));
    String[] specOnly = {"get", "akp", "sso", "-o", "jsonpath={.metadata.generation} {.spec}"};
    String before = kubectl.run(specOnly).requireSuccess().out();

    mergePatch("{\"spec\":{\"replicas\":3}}", "--dry-run=server");
    assertThat(kubectl.run(specOnly).requireSuccess().out()).isEqualTo(before);

    assertThat(
            kubectl
                .withEnvironment("KUBE_EDITOR", editor.toString())
                .run("edit", "akp", "sso")
                .requireSuccess()
                .out())
        .contains("authentikproxy.akproxy.io/sso edited");
    Await.until(
        "kubectl get akp shows 2/2 replicas",
        PATIENCE,
        () -> "2/2".equals(WholeLoop.column(kubectl.run("get", "akp").out(), "sso", "REPLICAS")));
    assertThat(kubectl.run("get", "pods").requireSuccess().out())
        .containsPattern("(?s)sso-proxy-\\S+\\s+1/1\\s+Running.*sso-proxy-\\S+\\s+1/1\\s+Running");
  }

  @Test
  @Order(8)
  void deletingTheResourceStopsTheProxy() {
    List<RuntimeProcess> runtimes =
        cluster.kubelet().pods().stream().flatMap(p -> p.runtime().stream()).toList();

    assertThat(kubectl.run("delete", "akp", "sso").requireSuccess().out())
        .contains("authentikproxy.akproxy.io \"sso\" deleted");

    Await.until(
        "every proxy process stopped",
        PATIENCE,
        () -> runtimes.stream().noneMatch(RuntimeProcess::isAlive));
    Await.until(
        "kubectl get akp -w saw the deletion",
        PATIENCE,
        () -> watched.stream().anyMatch(l -> l.matches("DELETED\\s+sso\\s.*")));
    Await.until(
        "the children are gone",
        PATIENCE,
        () ->
            kubectl
                .run("get", "deploy,svc,cm", "-o", "name")
                .out()
                .lines()
                .noneMatch(l -> l.contains("sso-proxy")));
  }
}
