package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.Kustomize;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.Simulation;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AutoscalingSpec;
import io.akproxy.operator.api.NetworkPolicySpec;
import io.akproxy.operator.api.ServiceSpec;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.Names;
import io.akproxy.operator.model.StatusModel;
import io.akproxy.testkit.kube.SimulatedCluster;
import io.akproxy.testkit.pki.Issued;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The RBAC in deploy/ (namespaced) and deploy/cluster-wide/ grants what the operator does, and
 * nothing it does not do unless listed below with the reason. What it does is not listed by hand:
 * the operator runs a whole lifecycle on the simulated API server (leader election, a missing
 * Secret, create, every optional child on, changed and off, a switch to another Secret, PDB
 * removal), and every request it sent is turned into the (namespace, API group, resource, verb) it
 * needs.
 */
@Execution(ExecutionMode.CONCURRENT)
class RbacTest {

  private static final String NS = "authentik";
  private static final String OWN_NS = "akproxy-system";
  private static final String SERVICE_ACCOUNT = "akproxy-operator";
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A ClusterRole's grant, valid in every namespace and for cluster-wide requests. */
  private static final String EVERY_NAMESPACE = "*";

  /**
   * Granted although the lifecycle never uses them, on purpose ("group resource verb"). Anything
   * else granted and unused fails the test: RBAC cannot grow silently.
   */
  static final Map<String, String> UNUSED_ON_PURPOSE =
      Map.ofEntries(
          // get on what the operator lists and watches anyway: no data beyond what list grants,
          // and the single reads that a fallback path makes (a cache miss, kubectl-style tools
          // run with the operator's account) keep working.
          Map.entry(" configmaps get", "implied by list"),
          Map.entry(" services get", "implied by list"),
          Map.entry(" serviceaccounts get", "implied by list"),
          Map.entry("apps deployments get", "implied by list"),
          Map.entry("policy poddisruptionbudgets get", "implied by list"),
          Map.entry("akproxy.io authentikproxies get", "implied by list"),
          // The ServiceAccount and the PodDisruptionBudget have no field a spec change alters:
          // they are rewritten only when someone else changed them (drift repair).
          Map.entry(" serviceaccounts update", "drift repair"),
          Map.entry("policy poddisruptionbudgets update", "drift repair"),
          // fabric8 renews the Lease with a patch, but JOSDK refuses to start unless its
          // SelfSubjectRulesReview shows create, update and get on leases.
          Map.entry("coordination.k8s.io leases update", "JOSDK's start-up check"));

  /** /api/v1/namespaces/ns/secrets/name, /apis/group/version/namespaces/ns/resource/name/sub. */
  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)(?:/namespaces/(?<ns>[^/]+))?/(?<resource>[^/?]+)"
              + "(?:/(?<name>[^/?]+)(?:/(?<sub>[^/?]+))?)?(?:\\?(?<query>.*))?$");

  @Test
  void theNamespacedRolesGrantEveryRequestTheOperatorMakesAndNothingUnexplained() throws Exception {
    Set<String> needed = permissionsUsedByALifecycle(Set.of(NS));
    assertGrantsExactly(granted(Kustomize.render(Kustomize.DEPLOY)), needed);
  }

  @Test
  void theClusterWideRoleGrantsEveryRequestTheOperatorMakesAndNothingUnexplained()
      throws Exception {
    Set<String> needed = permissionsUsedByALifecycle(Set.of(OperatorSettings.ALL_NAMESPACES));
    Set<String> granted = granted(Kustomize.render(Kustomize.DEPLOY.resolve("cluster-wide")));
    assertThat(granted)
        .as("the cluster-wide overlay replaces the namespaced Role")
        .noneMatch(p -> p.startsWith(NS + " "));
    assertGrantsExactly(granted, needed);
  }

  private static void assertGrantsExactly(Set<String> granted, Set<String> needed) {
    assertThat(needed).as("permissions the operator used").isNotEmpty();
    assertThat(needed)
        .as("used by the operator but not granted")
        .allMatch(p -> isGranted(granted, p));

    Set<String> unused = new TreeSet<>(granted);
    unused.removeIf(g -> needed.stream().anyMatch(n -> covers(g, n)));
    Set<String> unexplained = new TreeSet<>();
    unused.forEach(
        g -> {
          if (!UNUSED_ON_PURPOSE.containsKey(withoutNamespace(g))) {
            unexplained.add(g);
          }
        });
    assertThat(unexplained)
        .as("granted, never used, and not in UNUSED_ON_PURPOSE with a reason")
        .isEmpty();
  }

  /** Whether a grant ("namespace group resource verb", namespace * for all) covers a need. */
  private static boolean covers(String grant, String need) {
    String grantNamespace = grant.substring(0, grant.indexOf(' '));
    return withoutNamespace(grant).equals(withoutNamespace(need))
        && (grantNamespace.equals(EVERY_NAMESPACE)
            || grantNamespace.equals(need.substring(0, need.indexOf(' '))));
  }

  private static boolean isGranted(Set<String> granted, String need) {
    return granted.stream().anyMatch(g -> covers(g, need));
  }

  private static String withoutNamespace(String permission) {
    return permission.substring(permission.indexOf(' ') + 1);
  }

  private static Set<String> permissionsUsedByALifecycle(Set<String> watched) {
    Set<String> needed = new TreeSet<>();
    try (SimulatedCluster cluster = Simulation.start(NS, OWN_NS)) {
      OperatorSettings settings =
          new OperatorSettings(
              watched,
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
          new AkproxyOperator(
              Simulation.operatorClient(cluster),
              settings,
              Clock.systemUTC(),
              new ReconcileCounter());
      try {
        operator.start();
        lifecycle(cluster.client());
      } finally {
        operator.stop();
      }
      for (String request : Simulation.operatorRequests(cluster)) {
        permission(request).ifPresent(needed::add);
      }
    }
    return needed;
  }

  /** What a resource goes through in its life, each step awaited in the cluster. */
  private static void lifecycle(KubernetesClient kube) {
    String child = Names.child("sso");
    kube.resource(TestResources.authentikService(NS)).create();
    kube.resource(TestResources.proxy(NS, "sso")).create();
    awaitTls(kube, "SecretNotFound");
    kube.resource(
            TestResources.tlsSecret(NS, TestResources.TLS_SECRET, TestResources.ssoCertificate()))
        .create();
    await().atMost(WAIT).until(() -> exists(kube.policy().v1().podDisruptionBudget(), child));

    edit(
        kube,
        p -> {
          p.getSpec().replicas = 1;
          p.getSpec().trustedProxyCIDRs = List.of("10.0.0.0/8");
        });
    await().atMost(WAIT).until(() -> !exists(kube.policy().v1().podDisruptionBudget(), child));
    await().atMost(WAIT).until(() -> proxyJson(kube).contains("10.0.0.0/8"));

    // Every optional child on, the Service changed.
    edit(
        kube,
        p -> {
          p.getSpec().autoscaling = new AutoscalingSpec();
          p.getSpec().autoscaling.maxReplicas = 4;
          p.getSpec().networkPolicy = new NetworkPolicySpec();
          p.getSpec().networkPolicy.adminFromNamespaces = List.of("monitoring");
          p.getSpec().service = new ServiceSpec();
          p.getSpec().service.annotations = Map.of("lb.example.com/internal", "true");
        });
    await()
        .atMost(WAIT)
        .until(
            () ->
                exists(kube.autoscaling().v2().horizontalPodAutoscalers(), child)
                    && exists(kube.network().v1().networkPolicies(), child)
                    && kube.services()
                        .inNamespace(NS)
                        .withName(child)
                        .get()
                        .getMetadata()
                        .getAnnotations()
                        .containsKey("lb.example.com/internal"));
    // ... and changed.
    edit(
        kube,
        p -> {
          p.getSpec().autoscaling.maxReplicas = 5;
          p.getSpec().networkPolicy.adminFromNamespaces = List.of("monitoring", "ops");
        });
    await()
        .atMost(WAIT)
        .until(
            () ->
                kube.autoscaling()
                            .v2()
                            .horizontalPodAutoscalers()
                            .inNamespace(NS)
                            .withName(child)
                            .get()
                            .getSpec()
                            .getMaxReplicas()
                        == 5
                    && kube.network()
                            .v1()
                            .networkPolicies()
                            .inNamespace(NS)
                            .withName(child)
                            .get()
                            .getSpec()
                            .getIngress()
                            .size()
                        > 0);

    // Another Secret, existing before anything referred to it: read once, copied.
    Issued renewed = TestResources.ssoCertificate();
    kube.resource(TestResources.tlsSecret(NS, "sso-tls-renewed", renewed)).create();
    edit(kube, p -> p.getSpec().tls.secretName = "sso-tls-renewed");
    await()
        .atMost(WAIT)
        .until(
            () ->
                renewed
                    .serialHex()
                    .equals(
                        Optional.ofNullable(get(kube).getStatus())
                            .map(s -> s.certificate)
                            .map(c -> c.serial)
                            .orElse(null)));

    edit(
        kube,
        p -> {
          p.getSpec().autoscaling = null;
          p.getSpec().networkPolicy = null;
        });
    await()
        .atMost(WAIT)
        .until(
            () ->
                !exists(kube.autoscaling().v2().horizontalPodAutoscalers(), child)
                    && !exists(kube.network().v1().networkPolicies(), child));
  }

  private static <T extends HasMetadata> boolean exists(
      io.fabric8.kubernetes.client.dsl.MixedOperation<T, ?, ?> kind, String name) {
    return kind.inNamespace(NS).withName(name).get() != null;
  }

  private static AuthentikProxy get(KubernetesClient kube) {
    return kube.resources(AuthentikProxy.class).inNamespace(NS).withName("sso").get();
  }

  private static String proxyJson(KubernetesClient kube) {
    return kube.configMaps()
        .inNamespace(NS)
        .withName(Names.child("sso"))
        .get()
        .getData()
        .get(Names.CONFIG_KEY);
  }

  private static void edit(KubernetesClient kube, Consumer<AuthentikProxy> change) {
    TestResources.editProxy(kube, NS, "sso", change);
  }

  private static void awaitTls(KubernetesClient kube, String reason) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              AuthentikProxy proxy = get(kube);
              return proxy != null
                  && StatusModel.find(proxy.getStatus(), ConditionType.TLS_READY)
                      .map(c -> reason.equals(c.getReason()))
                      .orElse(false);
            });
  }

  /**
   * "namespace group resource verb" (namespace * for a cluster-wide request), or empty for requests
   * every user may make.
   */
  static Optional<String> permission(String request) {
    String method = request.substring(0, request.indexOf(' '));
    String path = request.substring(request.indexOf(' ') + 1);
    if (path.equals("/version")) {
      return Optional.empty(); // system:public-info-viewer: allowed to everyone
    }
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      throw new IllegalStateException("unexpected request " + request);
    }
    String group = m.group("group") == null ? "" : m.group("group");
    String resource = m.group("resource");
    if (group.equals("authorization.k8s.io")) {
      return Optional.empty(); // SelfSubjectRulesReview: allowed to everyone
    }
    String namespace = m.group("ns") == null ? EVERY_NAMESPACE : m.group("ns");
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
    return Optional.of(namespace + " " + group + " " + resource + " " + verb);
  }

  /**
   * Every (namespace, group, resource, verb) the operator's ServiceAccount is bound to: Roles in
   * their RoleBinding's namespace, ClusterRoles everywhere ({@link #EVERY_NAMESPACE}).
   */
  private static Set<String> granted(List<HasMetadata> rendered) {
    Set<String> granted = new TreeSet<>();
    Predicate<List<Subject>> forOperator =
        subjects ->
            subjects.stream()
                .anyMatch(
                    s ->
                        s.getKind().equals("ServiceAccount")
                            && s.getName().equals(SERVICE_ACCOUNT)
                            && OWN_NS.equals(s.getNamespace()));
    for (HasMetadata object : rendered) {
      if (object instanceof RoleBinding binding && forOperator.test(binding.getSubjects())) {
        String namespace = binding.getMetadata().getNamespace();
        for (HasMetadata candidate : rendered) {
          if (candidate instanceof Role role
              && role.getMetadata().getName().equals(binding.getRoleRef().getName())
              && namespace.equals(role.getMetadata().getNamespace())) {
            addRules(granted, namespace, role.getRules());
          }
        }
      }
      if (object instanceof ClusterRoleBinding binding && forOperator.test(binding.getSubjects())) {
        for (HasMetadata candidate : rendered) {
          if (candidate instanceof ClusterRole role
              && role.getMetadata().getName().equals(binding.getRoleRef().getName())) {
            addRules(granted, EVERY_NAMESPACE, role.getRules());
          }
        }
      }
    }
    return granted;
  }

  private static void addRules(Set<String> granted, String namespace, List<PolicyRule> rules) {
    for (PolicyRule rule : rules) {
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
