package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.MockCluster;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.TestCertificates;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AutoscalingSpec;
import io.akproxy.operator.api.NetworkPolicySpec;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.Names;
import io.akproxy.operator.model.StatusModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The RBAC in deploy/ grants what the operator does, nothing less, and no resource it never
 * touches. What it does is not listed by hand: the operator runs a whole lifecycle on the mock API
 * server (leader election, create, update, PDB removal, a bad Secret), and every request it sent is
 * turned into the (namespace, API group, resource, verb) it needs.
 */
class RbacTest {

  private static final String NS = "authentik";
  private static final String OWN_NS = "akproxy-system";
  private static final String SERVICE_ACCOUNT = "akproxy-operator";
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** /api/v1/namespaces/ns/secrets/name, /apis/group/version/namespaces/ns/resource/name/sub. */
  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)(?:/namespaces/(?<ns>[^/]+))?/(?<resource>[^/?]+)"
              + "(?:/(?<name>[^/?]+)(?:/(?<sub>[^/?]+))?)?(?:\\?(?<query>.*))?$");

  @Test
  void theDeployedRolesGrantEveryRequestTheOperatorMakesAndNoUnusedResource() throws Exception {
    List<HasMetadata> rendered = renderDeploy();
    Set<String> needed = permissionsUsedByALifecycle();
    Set<String> granted = granted(rendered);

    assertThat(needed).as("permissions the operator used").isNotEmpty();
    List<String> missing = needed.stream().filter(p -> !granted.contains(p)).toList();
    assertThat(missing).as("used by the operator but not granted in deploy/").isEmpty();

    Set<String> usedResources = new TreeSet<>();
    needed.forEach(p -> usedResources.add(p.substring(0, p.lastIndexOf(' '))));
    Set<String> grantedResources = new TreeSet<>();
    granted.forEach(p -> grantedResources.add(p.substring(0, p.lastIndexOf(' '))));
    grantedResources.removeAll(usedResources);
    assertThat(grantedResources)
        .as("resources granted in deploy/ that the operator never uses")
        .isEmpty();

    Set<String> unusedVerbs = new TreeSet<>(granted);
    unusedVerbs.removeAll(needed);
    System.out.println("RBAC used by the operator:\n  " + String.join("\n  ", needed));
    System.out.println("RBAC granted but unused verbs:\n  " + String.join("\n  ", unusedVerbs));
  }

  private static Set<String> permissionsUsedByALifecycle() {
    Set<String> needed = new TreeSet<>();
    try (MockCluster cluster = new MockCluster()) {
      ReconcileCounter reconciles = new ReconcileCounter();
      OperatorSettings settings =
          new OperatorSettings(
              Set.of(NS),
              OWN_NS,
              OperatorSettings.DEFAULT_RUNTIME_IMAGE,
              true,
              OperatorSettings.DEFAULT_LEASE_NAME,
              OperatorSettings.DEFAULT_CLUSTER_DOMAIN,
              0,
              Duration.ofSeconds(5),
              "rbac-test",
              false,
              OperatorSettings.DEFAULT_CACHE_SYNC_TIMEOUT);
      AkproxyOperator operator =
          new AkproxyOperator(cluster.operatorClient, settings, Clock.systemUTC(), reconciles);
      try {
        operator.start();
        var kube = cluster.testClient;
        kube.resource(TestResources.authentikService(NS)).create();
        kube.resource(TestResources.proxy(NS, "sso")).create();
        awaitTls(kube, "SecretNotFound");
        kube.resource(
                TestCertificates.tlsSecret(
                    NS,
                    TestResources.TLS_SECRET,
                    TestCertificates.issue(List.of("sso.example.com"), Duration.ofDays(30))))
            .create();
        await()
            .atMost(WAIT)
            .until(
                () ->
                    kube.policy()
                            .v1()
                            .podDisruptionBudget()
                            .inNamespace(NS)
                            .withName(Names.child("sso"))
                            .get()
                        != null);
        editSpec(
            kube,
            p -> {
              p.getSpec().replicas = 1;
              p.getSpec().trustedProxyCIDRs = List.of("10.0.0.0/8");
            });
        await()
            .atMost(WAIT)
            .until(
                () ->
                    kube.policy()
                            .v1()
                            .podDisruptionBudget()
                            .inNamespace(NS)
                            .withName(Names.child("sso"))
                            .get()
                        == null);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    kube.configMaps()
                        .inNamespace(NS)
                        .withName(Names.child("sso"))
                        .get()
                        .getData()
                        .get(Names.CONFIG_KEY)
                        .contains("10.0.0.0/8"));
        editSpec(
            kube,
            p -> {
              p.getSpec().autoscaling = new AutoscalingSpec();
              p.getSpec().autoscaling.maxReplicas = 4;
              p.getSpec().networkPolicy = new NetworkPolicySpec();
              p.getSpec().networkPolicy.adminFromNamespaces = List.of("monitoring");
            });
        await().atMost(WAIT).until(() -> autoscalerAndPolicy(kube) == 2);
        editSpec(
            kube,
            p -> {
              p.getSpec().autoscaling = null;
              p.getSpec().networkPolicy = null;
            });
        await().atMost(WAIT).until(() -> autoscalerAndPolicy(kube) == 0);
      } finally {
        operator.stop();
      }
      for (String request : cluster.operatorRequests()) {
        permission(request).ifPresent(needed::add);
      }
    }
    return needed;
  }

  /** Edits the resource, retrying on the conflicts the operator's own status writes cause. */
  private static void editSpec(
      io.fabric8.kubernetes.client.KubernetesClient kube,
      java.util.function.Consumer<AuthentikProxy> change) {
    await()
        .atMost(WAIT)
        .ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () ->
                kube.resources(AuthentikProxy.class)
                        .inNamespace(NS)
                        .withName("sso")
                        .edit(
                            p -> {
                              change.accept(p);
                              return p;
                            })
                    != null);
  }

  /** How many of the resource's HorizontalPodAutoscaler and NetworkPolicy exist. */
  private static int autoscalerAndPolicy(io.fabric8.kubernetes.client.KubernetesClient kube) {
    String name = Names.child("sso");
    int count = 0;
    if (kube.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(name).get()
        != null) {
      count++;
    }
    if (kube.network().v1().networkPolicies().inNamespace(NS).withName(name).get() != null) {
      count++;
    }
    return count;
  }

  private static void awaitTls(io.fabric8.kubernetes.client.KubernetesClient kube, String reason) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              AuthentikProxy proxy =
                  kube.resources(AuthentikProxy.class).inNamespace(NS).withName("sso").get();
              return proxy != null
                  && StatusModel.find(proxy.getStatus(), ConditionType.TLS_READY)
                      .map(c -> reason.equals(c.getReason()))
                      .orElse(false);
            });
  }

  /** "namespace group resource verb", or empty for requests every user may make. */
  static java.util.Optional<String> permission(String request) {
    String method = request.substring(0, request.indexOf(' '));
    String path = request.substring(request.indexOf(' ') + 1);
    if (path.equals("/version")) {
      return java.util.Optional.empty(); // system:public-info-viewer: allowed to everyone
    }
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      throw new IllegalStateException("unexpected request " + request);
    }
    String group = m.group("group") == null ? "" : m.group("group");
    String resource = m.group("resource");
    if (group.equals("authorization.k8s.io")) {
      return java.util.Optional.empty(); // SelfSubjectRulesReview: allowed to everyone
    }
    String namespace = m.group("ns");
    boolean collection = m.group("name") == null;
    String query = m.group("query") == null ? "" : m.group("query");
    if (m.group("sub") != null) {
      resource = resource + "/" + m.group("sub");
    }
    String verb =
        switch (method) {
          case "GET" -> query.contains("watch=true") ? "watch" : collection ? "list" : "get";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> collection ? "deletecollection" : "delete";
          default -> throw new IllegalStateException("unexpected method " + request);
        };
    return java.util.Optional.of(namespace + " " + group + " " + resource + " " + verb);
  }

  /** Every (namespace, group, resource, verb) the operator's ServiceAccount is bound to. */
  private static Set<String> granted(List<HasMetadata> rendered) {
    Set<String> granted = new TreeSet<>();
    for (HasMetadata object : rendered) {
      if (!(object instanceof RoleBinding binding)) {
        continue;
      }
      boolean forOperator =
          binding.getSubjects().stream()
              .anyMatch(
                  s ->
                      s.getKind().equals("ServiceAccount")
                          && s.getName().equals(SERVICE_ACCOUNT)
                          && OWN_NS.equals(s.getNamespace()));
      if (!forOperator || !binding.getRoleRef().getKind().equals("Role")) {
        continue;
      }
      String namespace = binding.getMetadata().getNamespace();
      for (HasMetadata candidate : rendered) {
        if (candidate instanceof Role role
            && role.getMetadata().getName().equals(binding.getRoleRef().getName())
            && namespace.equals(role.getMetadata().getNamespace())) {
          for (PolicyRule rule : role.getRules()) {
            for (String group : rule.getApiGroups()) {
              for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                  granted.add(namespace + " " + group + " " + resource + " " + verb);
                }
              }
            }
          }
        }
      }
    }
    return granted;
  }

  private static List<HasMetadata> renderDeploy() throws IOException, InterruptedException {
    Path deploy = Path.of("..", "deploy");
    Process process;
    try {
      process =
          new ProcessBuilder("kubectl", "kustomize", deploy.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (IOException e) {
      Assumptions.abort("kubectl is not installed: " + e.getMessage());
      throw e;
    }
    String yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize deploy/").isZero();
    List<HasMetadata> objects = new ArrayList<>();
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (!document.isBlank()) {
        Object parsed = serialization.unmarshal(document);
        if (parsed instanceof KubernetesList list) {
          objects.addAll(list.getItems());
        } else if (parsed instanceof HasMetadata object) {
          objects.add(object);
        }
      }
    }
    return objects;
  }
}
