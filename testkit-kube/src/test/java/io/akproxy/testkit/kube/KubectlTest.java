package io.akproxy.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's own kubectl (the real binary) against the simulated cluster: discovery, tables from
 * the CRD's printer columns, describe with events, watch, wait, apply, patch, edit, delete.
 */
class KubectlTest extends ClusterTestBase {

  static final String AKP_YAML =
      """
      apiVersion: akproxy.io/v1alpha1
      kind: AuthentikProxy
      metadata:
        name: sso
      spec:
        hosts: [sso.example.com]
        upstream:
          url: https://authentik.internal:9443
        tls:
          secretName: sso-tls
        replicas: 2
      """;

  @TempDir Path dir;
  Kubectl kubectl;

  @Override
  SimulatedCluster.Builder builder() {
    return super.builder()
        .crd(Path.of("..", "crds", "authentikproxies.akproxy.io-v1.yml"))
        .kubelet(new LoggingKubelet());
  }

  /** Pods run at once; each container's log is one line naming its pod. */
  static final class LoggingKubelet implements Kubelet {
    @Override
    public void podCreated(PodHandle pod) {
      pod.markReady();
    }

    @Override
    public java.util.Optional<String> log(String namespace, String name) {
      return java.util.Optional.of("listening, pod " + name + "\n");
    }
  }

  @BeforeEach
  void kubectl() throws Exception {
    Path editor = dir.resolve("editor.sh");
    Files.writeString(editor, "#!/bin/sh\nsed -i 's/^  replicas: .*/  replicas: 4/' \"$1\"\n");
    Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));
    kubectl = new Kubectl(cluster, dir, NS, Map.of("KUBE_EDITOR", editor.toString()));
  }

  GenericKubernetesResource apply() throws Exception {
    Path file = dir.resolve("akp.yaml");
    Files.writeString(file, AKP_YAML);
    assertThat(kubectl.run("apply", "-f", file.toString()).requireSuccess().out())
        .contains("authentikproxy.akproxy.io/sso created");
    return proxies().withName("sso").get();
  }

  io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>>
      proxies() {
    return kube.genericKubernetesResources("akproxy.io/v1alpha1", "AuthentikProxy").inNamespace(NS);
  }

  void setReady(String status, String reason) {
    GenericKubernetesResource proxy = proxies().withName("sso").get();
    proxy.setAdditionalProperty(
        "status",
        Map.of(
            "observedGeneration",
            1,
            "hosts",
            "sso.example.com",
            "conditions",
            List.of(
                Map.of(
                    "type", "Ready",
                    "status", status,
                    "reason", reason,
                    "message", "m",
                    "lastTransitionTime", "2025-01-01T00:00:00Z"))));
    proxies().resource(proxy).updateStatus();
  }

  @Test
  void applyGetDescribeAndDelete() throws Exception {
    GenericKubernetesResource proxy = apply();
    setReady("True", "Ready");
    kube.resource(
            new EventBuilder()
                .withNewMetadata()
                .withName("sso.1")
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("akproxy.io/v1alpha1")
                .withKind("AuthentikProxy")
                .withName("sso")
                .withNamespace(NS)
                .withUid(proxy.getMetadata().getUid())
                .endInvolvedObject()
                .withType("Normal")
                .withReason("Reconciled")
                .withMessage("children written")
                .withCount(1)
                .withFirstTimestamp("2025-01-01T00:00:00Z")
                .withLastTimestamp("2025-01-01T00:00:00Z")
                .build())
        .inNamespace(NS)
        .create();

    String table = kubectl.run("get", "akp").requireSuccess().out();
    List<String> lines = table.lines().toList();
    assertThat(lines.get(0)).startsWith("NAME").contains("HOSTS", "READY");
    assertThat(lines.get(1)).startsWith("sso").contains("sso.example.com").contains("True");

    String described = kubectl.run("describe", "akp", "sso").requireSuccess().out();
    assertThat(described).contains("Name:         sso", "Kind:         AuthentikProxy");
    assertThat(described).containsPattern("Normal\\s+Reconciled\\s+.*children written");

    assertThat(kubectl.run("delete", "akp", "sso").requireSuccess().out())
        .contains("authentikproxy.akproxy.io \"sso\" deleted");
    assertThat(proxies().withName("sso").get()).isNull();
  }

  @Test
  void patchEditAndReapply() throws Exception {
    apply();
    kubectl
        .run("patch", "akp", "sso", "--type=merge", "-p", "{\"spec\":{\"replicas\":3}}")
        .requireSuccess();
    assertThat(proxies().withName("sso").get().get("spec", "replicas").toString()).isEqualTo("3");

    kubectl.run("edit", "akp", "sso").requireSuccess();
    assertThat(proxies().withName("sso").get().get("spec", "replicas").toString()).isEqualTo("4");

    // The last-applied configuration says replicas 2: re-applying the file restores it.
    Path file = dir.resolve("akp.yaml");
    assertThat(kubectl.run("apply", "-f", file.toString()).requireSuccess().out())
        .contains("configured");
    assertThat(proxies().withName("sso").get().get("spec", "replicas").toString()).isEqualTo("2");

    kubectl
        .run(
            "patch",
            "akp",
            "sso",
            "--type=json",
            "-p",
            "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":5}]")
        .requireSuccess();
    assertThat(proxies().withName("sso").get().get("spec", "replicas").toString()).isEqualTo("5");
  }

  @Test
  void watchSeesAChangeAndWaitSeesTheCondition() throws Exception {
    apply();
    setReady("False", "Reconciling");
    Process wait =
        kubectl.start("wait", "--for=condition=Ready", "akp/sso", "--timeout=120s", "-v=6");
    Process watch = kubectl.start("get", "akp", "sso", "-w");
    try {
      List<String> watched = lines(watch.getInputStream());
      List<String> waitOut = lines(wait.getInputStream());
      List<String> waitLog = lines(wait.getErrorStream());
      await().atMost(WAIT).until(() -> watched.stream().anyMatch(l -> l.contains("False")));
      // Both are watching the object (kubectl pins it with a field selector) before it changes.
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  cluster.requests().all().stream()
                          .filter(r -> r.userAgent().startsWith("kubectl"))
                          .filter(RecordedRequest::isWatch)
                          .filter(r -> r.query().contains("metadata.name%3Dsso"))
                          .count()
                      >= 2);
      setReady("True", "Ready");
      await().atMost(WAIT).until(() -> watched.stream().anyMatch(l -> l.contains("True")));
      assertThat(wait.waitFor(90, TimeUnit.SECONDS)).as("kubectl wait: %s", waitLog).isTrue();
      assertThat(wait.exitValue()).as("kubectl wait: %s", waitLog).isZero();
      await().atMost(WAIT).until(() -> waitOut.stream().anyMatch(l -> l.contains("condition met")));
    } finally {
      watch.destroy();
      wait.destroy();
    }
  }

  @Test
  void serverSideDryRunsStoreNothing() throws Exception {
    Path file = dir.resolve("akp.yaml");
    Files.writeString(file, AKP_YAML);

    // kubectl diff of a new object asks the server for a dry-run create; so does apply's.
    Kubectl.Result diff = kubectl.run("diff", "-f", file.toString());
    assertThat(diff.exitCode()).as(diff.err()).isEqualTo(1);
    assertThat(diff.out()).contains("+  name: sso", "+  replicas: 2");
    assertThat(
            kubectl.run("apply", "--dry-run=server", "-f", file.toString()).requireSuccess().out())
        .contains("created (server dry run)");
    assertThat(proxies().withName("sso").get()).isNull();

    apply();
    String version = proxies().withName("sso").get().getMetadata().getResourceVersion();
    kubectl
        .run(
            "patch",
            "akp",
            "sso",
            "--type=merge",
            "-p",
            "{\"spec\":{\"replicas\":7}}",
            "--dry-run=server")
        .requireSuccess();
    assertThat(kubectl.run("delete", "akp", "sso", "--dry-run=server").requireSuccess().out())
        .contains("deleted (server dry run)");

    GenericKubernetesResource after = proxies().withName("sso").get();
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(after.get("spec", "replicas").toString()).isEqualTo("2");
  }

  @Test
  void logsOfAPodAndOfADeploymentComeFromTheKubelet() {
    kube.resource(StorageTest.deployment("sso-proxy", "example/proxy:1.0"))
        .inNamespace(NS)
        .create();
    await().atMost(WAIT).until(() -> kube.pods().inNamespace(NS).list().getItems().size() == 1);
    String pod = kube.pods().inNamespace(NS).list().getItems().get(0).getMetadata().getName();

    assertThat(kubectl.run("logs", pod).requireSuccess().out())
        .isEqualTo("listening, pod " + pod + "\n");
    assertThat(kubectl.run("logs", "deploy/sso-proxy").requireSuccess().out())
        .isEqualTo("listening, pod " + pod + "\n");
  }

  @Test
  void explainReadsTheCrdSchema() {
    String explained = kubectl.run("explain", "akp.spec.trustedProxyCIDRs").requireSuccess().out();

    assertThat(explained)
        .contains("KIND:       AuthentikProxy")
        .contains("FIELD: trustedProxyCIDRs <[]string>")
        .contains("dropped. Default none.");
  }

  @Test
  void aTypedCreateIsRefusedWithWhatWorksInstead() {
    Kubectl.Result created = kubectl.run("create", "configmap", "x", "--from-literal=a=b");

    assertThat(created.exitCode()).isNotZero();
    assertThat(created.err()).contains("JSON request bodies only", "--dry-run=client -o yaml");
    assertThat(kube.configMaps().inNamespace(NS).withName("x").get()).isNull();
  }

  @Test
  void theVersionIsSettable() throws Exception {
    try (SimulatedCluster older = SimulatedCluster.builder().kubernetesVersion(1, 30).start()) {
      Path own = Files.createDirectories(dir.resolve("older"));
      Kubectl olderKubectl = new Kubectl(older, own, "default", Map.of());
      assertThat(olderKubectl.run("version").out()).contains("Server Version: v1.30.0");
    }
    assertThat(kubectl.run("version").out()).contains("Server Version: v1.32.0");
  }

  /** Collects a process's output lines as they come, so its pipe never fills. */
  static List<String> lines(java.io.InputStream stream) {
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                // The process was stopped.
              }
            });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  @Test
  void getShowsTheChildrenKubectlUsersLookAt() {
    kube.resource(StorageTest.deployment("sso-proxy", "example/proxy:1.0"))
        .inNamespace(NS)
        .create();
    kube.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("sso-proxy")
                .endMetadata()
                .addToData("proxy.json", "{}")
                .build())
        .inNamespace(NS)
        .create();
    kube.resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("sso-proxy")
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .addNewPort()
                .withName("https")
                .withPort(443)
                .endPort()
                .endSpec()
                .build())
        .inNamespace(NS)
        .create();
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("sso-tls")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", "x")
                .addToStringData("tls.key", "y")
                .build())
        .inNamespace(NS)
        .create();
    await().atMost(WAIT).until(() -> kube.pods().inNamespace(NS).list().getItems().size() == 1);

    String out = kubectl.run("get", "deploy,cm,svc,secret,pods,events").requireSuccess().out();
    assertThat(out).containsPattern("deployment.apps/sso-proxy\\s+1/1\\s+1\\s+1");
    assertThat(out).containsPattern("configmap/sso-proxy\\s+1");
    assertThat(out)
        .containsPattern(
            "service/sso-proxy\\s+LoadBalancer\\s+10\\.96\\.\\S+\\s+<pending>\\s+443:3\\d{4}/TCP");
    assertThat(out).containsPattern("secret/sso-tls\\s+kubernetes.io/tls\\s+2");
    assertThat(out).containsPattern("pod/sso-proxy-\\w{10}-\\w{5}\\s+1/1\\s+Running\\s+0");

    String wide = kubectl.run("get", "pods", "-o", "wide").requireSuccess().out();
    assertThat(wide)
        .containsPattern("Running\\s+0\\s+\\S+\\s+127\\.\\d+\\.\\d+\\.\\d+\\s+testkit-node");
  }

  @Test
  void printerColumnsFollowTheCrdIncludingFiltersAndWideOnes() {
    GenericKubernetesResource widget = widget("w", Map.of("size", 3, "hosts", List.of("a", "b")));
    widgets().inNamespace(NS).resource(widget).create();
    GenericKubernetesResource stored = widgets().inNamespace(NS).withName("w").get();
    stored.setAdditionalProperty(
        "status",
        Map.of(
            "conditions",
            List.of(
                Map.of("type", "Other", "status", "Unknown", "reason", "Nope"),
                Map.of("type", "Ready", "status", "False", "reason", "Stuck"))));
    widgets().inNamespace(NS).resource(stored).updateStatus();

    String narrow = kubectl.run("get", "wdg").requireSuccess().out();
    assertThat(narrow.lines().findFirst().orElseThrow())
        .matches("NAME\\s+READY\\s+SIZE\\s+HOSTS\\s+AGE\\s*");
    assertThat(narrow).containsPattern("w\\s+False\\s+3\\s+\\[\"a\",\"b\"\\]\\s+\\d+s");
    assertThat(narrow).doesNotContain("Stuck");

    String wide = kubectl.run("get", "widgets", "-o", "wide").requireSuccess().out();
    assertThat(wide.lines().findFirst().orElseThrow())
        .matches("NAME\\s+READY\\s+SIZE\\s+HOSTS\\s+REASON\\s+AGE\\s*");
    assertThat(wide).containsPattern("w\\s+False\\s+3\\s+\\S+\\s+Stuck\\s+\\d+s");

    // The CRD's category names its kind, as "all" does for pods, services and deployments.
    assertThat(kubectl.run("get", "gadgets").requireSuccess().out())
        .containsPattern("(?m)^w\\s+False");
  }
}
