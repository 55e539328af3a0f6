package io.akproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code kubectl kustomize deploy/} renders objects that fabric8's model reads without loss. */
class DeployManifestsTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static List<HasMetadata> objects;

  @BeforeAll
  static void render() throws Exception {
    objects = kustomize(DEPLOY);
  }

  @Test
  void theClusterWideOverlayTradesTheNamespacedRoleForAClusterRole() throws Exception {
    List<HasMetadata> clusterWide = kustomize(DEPLOY.resolve("cluster-wide"));

    assertThat(clusterWide)
        .extracting(
            o ->
                o.getKind()
                    + "/"
                    + o.getMetadata().getNamespace()
                    + "/"
                    + o.getMetadata().getName())
        .contains("ClusterRole/null/akproxy-operator", "ClusterRoleBinding/null/akproxy-operator")
        .doesNotContain(
            "Role/authentik/akproxy-operator", "RoleBinding/authentik/akproxy-operator");
    Deployment operator =
        clusterWide.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(e -> e.getName().equals("AKPROXY_WATCH_NAMESPACES") && e.getValue().equals("*"));
  }

  private static List<HasMetadata> kustomize(Path dir) throws Exception {
    Process kustomize =
        new ProcessBuilder("kubectl", "kustomize", dir.toString())
            .redirectErrorStream(true)
            .start();
    String yaml = new String(kustomize.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kustomize.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(kustomize.exitValue()).as("kubectl kustomize %s: %s", dir, yaml).isZero();
    return parse(yaml);
  }

  @Test
  void rendersTheCrdNamespaceRbacAndOperator() {
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains(
            "CustomResourceDefinition/authentikproxies.akproxy.io",
            "Namespace/akproxy-system",
            "ServiceAccount/akproxy-operator",
            "Deployment/akproxy-operator")
        .anyMatch(name -> name.startsWith("Role/"))
        .anyMatch(name -> name.startsWith("RoleBinding/"));
  }

  @Test
  void everyFieldIsOneTheModelKnows() {
    for (HasMetadata object : objects) {
      List<String> unknown = new ArrayList<>();
      collectUnknownFields(object, object.getKind(), unknown, new IdentityHashMap<>());
      assertThat(unknown)
          .as("unknown fields in %s %s", object.getKind(), object.getMetadata().getName())
          .isEmpty();
    }
  }

  @Test
  void theOperatorRunsUnderRestrictedPodSecurity() {
    Deployment operator =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    var pod = operator.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getLivenessProbe()).isNotNull();
    assertThat(container.getReadinessProbe()).isNotNull();
    assertThat(container.getResources().getLimits()).containsKey("memory");
    assertThat(container.getEnv()).anyMatch(e -> e.getName().equals("AKPROXY_LEADER_ELECTION"));
  }

  private static List<HasMetadata> parse(String yaml) throws IOException {
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<HasMetadata> parsed = new ArrayList<>();
    for (String document : yaml.split("(?m)^---$")) {
      if (document.isBlank()) {
        continue;
      }
      Object object =
          serialization.unmarshal(
              new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
      assertThat(object)
          .as("a typed Kubernetes object: %s", document)
          .isInstanceOf(HasMetadata.class);
      parsed.add((HasMetadata) object);
    }
    return parsed;
  }

  /** fabric8 keeps what its model does not know in additionalProperties: there must be none. */
  private static void collectUnknownFields(
      Object value, String path, List<String> unknown, Map<Object, Boolean> seen) {
    if (value == null || seen.put(value, true) != null) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknownFields(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown, seen));
      return;
    }
    if (!(value instanceof KubernetesResource)) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
      } else {
        collectUnknownFields(child, path + "." + getter.getName().substring(3), unknown, seen);
      }
    }
  }
}
