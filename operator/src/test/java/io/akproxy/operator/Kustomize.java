package io.akproxy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** deploy/ as a user applies it, rendered by kubectl's kustomize. */
public final class Kustomize {

  /** deploy/ of this repository. */
  public static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

  private Kustomize() {}

  /**
   * Renders a kustomization directory as {@code kubectl kustomize} does. Fails, never skips,
   * without kubectl: what deploy/ installs is checked on every build.
   */
  public static List<HasMetadata> render(Path directory) throws IOException, InterruptedException {
    Process process;
    try {
      process =
          new ProcessBuilder("kubectl", "kustomize", directory.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (IOException e) {
      return fail("kubectl (1.32 or newer) is needed to render %s: %s", directory, e.getMessage());
    }
    String yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize %s", directory).isZero();
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
