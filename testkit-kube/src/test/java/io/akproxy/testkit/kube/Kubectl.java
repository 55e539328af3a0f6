package io.akproxy.testkit.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl binary pointed at a simulated cluster through a kubeconfig of its own, with its
 * own cache directory so discovery from one test never leaks into another. A missing kubectl is a
 * failure, not a skip: CI has it.
 */
final class Kubectl {

  record Result(int exitCode, String out, String err) {
    Result requireSuccess() {
      if (exitCode != 0) {
        throw new AssertionError("kubectl failed (" + exitCode + "): " + err + out);
      }
      return this;
    }
  }

  private final Path kubeconfig;
  private final Path home;
  private final Map<String, String> environment;

  Kubectl(
      SimulatedCluster cluster, Path directory, String namespace, Map<String, String> environment) {
    this.home = directory;
    this.kubeconfig = cluster.writeKubeconfig(directory.resolve("kubeconfig"), namespace);
    this.environment = environment;
  }

  static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError("kubectl is not on the PATH: these tests need the real binary");
  }

  Process start(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + home.resolve("cache"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("HOME", home.toString());
    builder.environment().remove("KUBECONFIG");
    builder.environment().putAll(environment);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Result run(String... args) {
    Process process = start(args);
    try {
      process.getOutputStream().close();
      var out = process.getInputStream().readAllBytes();
      var err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("kubectl did not finish: " + String.join(" ", args));
      }
      return new Result(
          process.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
