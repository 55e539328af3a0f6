package io.akproxy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/ as a user applies it, rendered by kubectl's kustomize. */
class DeployTest {

  private static final Path DEPLOY = Kustomize.DEPLOY;

  static List<HasMetadata> render(Path directory) throws IOException, InterruptedException {
    return Kustomize.render(directory);
  }

  private static Deployment operatorDeployment(List<HasMetadata> objects) {
    return objects.stream()
        .filter(
            o -> o instanceof Deployment d && d.getMetadata().getName().equals("akproxy-operator"))
        .map(Deployment.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static OperatorSettings settingsOf(Deployment deployment) {
    Map<String, String> env =
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    return OperatorSettings.fromEnvironment(env);
  }

  @Test
  void oneImageOverrideMovesTheOperatorAndTheRuntime(@TempDir Path overlay) throws Exception {
    Deployment base = operatorDeployment(render(DEPLOY));
    assertThat(base.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("ghcr.io/akproxy/operator:0.1.0");
    assertThat(settingsOf(base).runtimeImage()).isEqualTo("ghcr.io/akproxy/proxy-runtime:0.1.0");

    // What `kustomize edit set image ghcr.io/akproxy/operator=registry.example.com/...` writes.
    Files.writeString(
        overlay.resolve("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            + "kind: Kustomization\n"
            + "resources:\n"
            + "  - "
            // kustomize takes bases by relative path only.
            + overlay.toAbsolutePath().relativize(DEPLOY)
            + "\n"
            + "images:\n"
            + "  - name: ghcr.io/akproxy/operator\n"
            + "    newName: registry.example.com/mirror/akproxy/operator\n"
            + "    newTag: 0.2.0\n");
    Deployment moved = operatorDeployment(render(overlay));
    assertThat(moved.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/mirror/akproxy/operator:0.2.0");
    assertThat(settingsOf(moved).runtimeImage())
        .isEqualTo("registry.example.com/mirror/akproxy/proxy-runtime:0.2.0");
  }

  @Test
  void theOperatorDeploymentSurvivesDrainsAndSlowStarts() throws Exception {
    List<HasMetadata> objects = render(DEPLOY);
    Deployment deployment = operatorDeployment(objects);
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(pod.getTopologySpreadConstraints())
        .anySatisfy(
            c -> {
              assertThat(c.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
              assertThat(c.getLabelSelector().getMatchLabels())
                  .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
            });
    var container = pod.getContainers().get(0);
    assertThat(container.getStartupProbe()).isNotNull();
    assertThat(
            container.getStartupProbe().getPeriodSeconds()
                * container.getStartupProbe().getFailureThreshold())
        .as("seconds the first list may take")
        .isGreaterThanOrEqualTo(120);
    PodDisruptionBudget budget =
        objects.stream()
            .filter(PodDisruptionBudget.class::isInstance)
            .map(PodDisruptionBudget.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(budget.getMetadata().getNamespace()).isEqualTo("akproxy-system");
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
  }
}
