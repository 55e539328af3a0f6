package io.akproxy.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The user's own kubectl binary, pointed at a kubeconfig. */
public final class Kubectl {

  /** One run: exit code, stdout, stderr. */
  public record Result(int exit, String out, String err) {
    public Result requireSuccess() {
      if (exit != 0) {
        throw new IllegalStateException("kubectl exited " + exit + ": " + err + out);
      }
      return this;
    }
  }

  private final Path binary;
  private final Path kubeconfig;
  private final Map<String, String> environment;

  private Kubectl(Path binary, Path kubeconfig, Map<String, String> environment) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.environment = Map.copyOf(environment);
  }

  /** The same kubectl with {@code name=value} in its environment ({@code KUBE_EDITOR}, ...). */
  public Kubectl withEnvironment(String name, String value) {
    Map<String, String> more = new HashMap<>(environment);
    more.put(name, value);
    return new Kubectl(binary, kubeconfig, more);
  }

  /** kubectl from the PATH, if installed. */
  public static Optional<Kubectl> find(Path kubeconfig) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return Optional.of(new Kubectl(candidate, kubeconfig, Map.of()));
      }
    }
    return Optional.empty();
  }

  /** The client's version, {@code v1.32.3}. */
  public String version() {
    String out = run("version", "--client", "-o", "yaml").out();
    return out.lines()
        .filter(l -> l.strip().startsWith("gitVersion:"))
        .map(l -> l.substring(l.indexOf(':') + 1).strip())
        .findFirst()
        .orElse("(unknown version)");
  }

  /** Runs {@code kubectl args...} to its end (at most a minute). */
  public Result run(String... args) {
    Process process = start(args);
    try {
      CompletableFuture<String> out = read(process.getInputStream());
      CompletableFuture<String> err = read(process.getErrorStream());
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not end");
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Starts {@code kubectl args...} (for {@code get -w}); the caller reads and ends it. */
  public Process start(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().putAll(environment);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + binary, e);
    }
  }

  private static CompletableFuture<String> read(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
          }
        });
  }
}
