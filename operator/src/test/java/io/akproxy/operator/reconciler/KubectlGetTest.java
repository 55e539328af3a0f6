package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl get akp}, by the real kubectl binary (skipped where none is installed), on the
 * simulated API server, which prints the CRD's own printer columns server-side as a real one does:
 * the columns in the order a user scans them, HOSTS as text, the wide columns at the end.
 */
class KubectlGetTest extends OperatorTestBase {

  @TempDir Path dir;

  private String kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig"));
    command.add(cluster.writeKubeconfig(dir.resolve("kubeconfig"), NS).toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl exits").isTrue();
    assertThat(process.exitValue()).as("kubectl %s: %s", command, out).isZero();
    System.out.println("$ kubectl " + String.join(" ", args) + "\n" + out);
    return out;
  }

  private static boolean kubectlInstalled() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String entry : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(entry, "kubectl"))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void getAkpShowsReadyHostsReplicasExpiryAndAgeAndWideAddsUpstreamAndReason() throws Exception {
    assumeTrue(kubectlInstalled(), "kubectl is not installed");
    createSecretServiceAndProxy();
    awaitReady();

    List<String> get = kubectl("get", "akp").lines().toList();
    assertThat(get.get(0)).matches("NAME\\s+READY\\s+HOSTS\\s+REPLICAS\\s+CERT-EXPIRES\\s+AGE\\s*");
    assertThat(get.get(1))
        .matches(
            "sso\\s+True\\s+sso\\.example\\.com\\s+2/2\\s+"
                + java.util.regex.Pattern.quote(status().certificate.notAfter)
                + "\\s+\\d+s\\s*");

    List<String> wide = kubectl("get", "akp", "-o", "wide").lines().toList();
    assertThat(wide.get(0))
        .matches(
            "NAME\\s+READY\\s+HOSTS\\s+REPLICAS\\s+CERT-EXPIRES\\s+AGE\\s+UPSTREAM\\s+REASON\\s*");
    assertThat(wide.get(1)).contains(status().upstream).endsWith("Ready");
  }
}
