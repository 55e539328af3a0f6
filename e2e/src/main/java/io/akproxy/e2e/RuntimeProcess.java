package io.akproxy.e2e;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The proxy runtime as its own process, from the same jar the image ships, the way the pod runs it.
 * Its output goes to a log file next to the configuration.
 */
public final class RuntimeProcess implements Closeable {

  /** The JVM flags of the runtime image (images/proxy-runtime.Dockerfile; docs/benchmarks.md). */
  public static final List<String> JVM_FLAGS =
      List.of(
          "-XX:+UseSerialGC",
          "-Xms16m",
          "-Xmx64m",
          "-XX:MaxMetaspaceSize=64m",
          "-XX:ReservedCodeCacheSize=32m",
          "-XX:MaxDirectMemorySize=64m",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UnlockExperimentalVMOptions",
          "-XX:TrimNativeHeapInterval=1000",
          "-XX:-UsePerfData",
          "-XX:+ExitOnOutOfMemoryError");

  private final Process process;
  private final Path log;
  private final int adminPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private RuntimeProcess(Process process, Path log, int adminPort) {
    this.process = process;
    this.log = log;
    this.adminPort = adminPort;
  }

  /** The runtime jar: the {@code akproxy.runtime.jar} property, or the reactor's build output. */
  public static Path jar() {
    String configured = System.getProperty("akproxy.runtime.jar");
    Path jar =
        configured != null
            ? Path.of(configured)
            : Path.of("proxy-runtime/target/proxy-runtime.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "runtime jar " + jar.toAbsolutePath() + " not found: build it first (make build)");
    }
    return jar;
  }

  /** Starts {@code java -jar proxy-runtime.jar --config <config>}; does not wait for readiness. */
  public static RuntimeProcess start(Path jar, Path config, int adminPort, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new RuntimeProcess(process, log, adminPort);
  }

  /** Waits until {@code /readyz} answers 200, failing early if the process dies. */
  public void awaitReady(Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the runtime exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      if (isReady()) {
        return;
      }
      // Polling a local HTTP endpoint: there is no event to wait on across processes.
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new IllegalStateException(
        "the runtime was not ready within " + timeout + ":\n" + Files.readString(log));
  }

  public boolean isReady() {
    try {
      return admin("/readyz").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** GET on the admin listener. */
  public HttpResponse<String> admin(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM, as the kubelet sends, then the exit code once it drained. */
  public int stop(Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    try {
      stop(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
