package io.akproxy.testkit.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The proxy runtime as its own process, from the jar the image ships and with the image's JVM flags
 * ({@link RuntimeImage}), the way a pod runs it. Its output goes to a log file.
 *
 * <pre>{@code
 * RuntimeProcess runtime =
 *     RuntimeProcess.launcher(RuntimeProcess.jar())
 *         .arguments("--config", config.toString())
 *         .admin("127.0.0.1", 9000)
 *         .log(dir.resolve("runtime.log"))
 *         .start();
 * runtime.awaitReady(Duration.ofSeconds(60));
 * }</pre>
 */
public final class RuntimeProcess implements Closeable {

  /** Where the reactor builds the jar, relative to the repository root. */
  public static final String BUILT_JAR = "proxy-runtime/target/proxy-runtime.jar";

  private final Process process;
  private final Path log;
  private final URI admin;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RuntimeProcess(Process process, Path log, URI admin) {
    this.process = process;
    this.log = log;
    this.admin = admin;
  }

  /**
   * The runtime jar: the {@code akproxy.runtime.jar} system property, or the reactor's build output
   * found from the working directory upwards.
   */
  public static Path jar() {
    String configured = System.getProperty("akproxy.runtime.jar");
    if (configured != null) {
      Path jar = Path.of(configured);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            "runtime jar " + jar.toAbsolutePath() + " not found: build it first");
      }
      return jar;
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(BUILT_JAR);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        BUILT_JAR + " not found above " + Path.of("").toAbsolutePath() + ": build it first");
  }

  public static Launcher launcher(Path jar) {
    return new Launcher(jar);
  }

  /** How to start one runtime process. */
  public static final class Launcher {
    private final Path jar;
    private final List<String> arguments = new ArrayList<>();
    private final List<String> extraJvmFlags = new ArrayList<>();
    private RuntimeImage image;
    private String adminHost = "127.0.0.1";
    private int adminPort = 9000;
    private Path log;

    private Launcher(Path jar) {
      this.jar = jar;
    }

    /** The runtime's own arguments ({@code --config ...}); none means the image's CMD. */
    public Launcher arguments(String... arguments) {
      this.arguments.addAll(List.of(arguments));
      return this;
    }

    public Launcher arguments(List<String> arguments) {
      this.arguments.addAll(arguments);
      return this;
    }

    /** Flags after the image's own, for what a test needs beyond the image (a heap dump...). */
    public Launcher extraJvmFlags(String... flags) {
      this.extraJvmFlags.addAll(List.of(flags));
      return this;
    }

    /** The image to imitate; by default the repository's Dockerfile. */
    public Launcher image(RuntimeImage image) {
      this.image = image;
      return this;
    }

    /** Where the runtime's admin listener will be, for readiness and {@code /status}. */
    public Launcher admin(String host, int port) {
      this.adminHost = host;
      this.adminPort = port;
      return this;
    }

    /** The file the process's stdout and stderr are appended to; by default a temp file. */
    public Launcher log(Path log) {
      this.log = log;
      return this;
    }

    /** The command line the process is started with. */
    public List<String> command() {
      RuntimeImage effective = image != null ? image : RuntimeImage.fromRepository();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(effective.jvmFlags());
      command.addAll(extraJvmFlags);
      command.add("-jar");
      command.add(jar.toString());
      command.addAll(arguments.isEmpty() ? effective.defaultArguments() : arguments);
      return command;
    }

    /** Starts the process; does not wait for readiness. */
    public RuntimeProcess start() {
      try {
        Path output = log != null ? log : Files.createTempFile("akproxy-runtime-", ".log");
        Process process =
            new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .start();
        String host = adminHost.contains(":") ? "[" + adminHost + "]" : adminHost;
        return new RuntimeProcess(process, output, URI.create("http://" + host + ":" + adminPort));
      } catch (IOException e) {
        throw new UncheckedIOException("starting the runtime " + jar, e);
      }
    }
  }

  /** Waits until {@code /readyz} answers 200; fails at once, with the log, if the process dies. */
  public void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the runtime exited with " + process.exitValue() + ":\n" + logText());
      }
      if (isReady()) {
        return;
      }
      try {
        // Another process: there is no event to wait on, only its endpoint to poll.
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException(
        "the runtime was not ready within " + timeout + ":\n" + logText());
  }

  /** {@code /readyz} answers 200 now. */
  public boolean isReady() {
    try {
      return admin("/readyz").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** GET on the admin listener. */
  public HttpResponse<String> admin(String path) throws IOException {
    try {
      return http.send(
          HttpRequest.newBuilder(admin.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The admin listener's base URI. */
  public URI adminUri() {
    return admin;
  }

  public Path log() {
    return log;
  }

  /** The log so far (for failure messages). */
  public String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e.getMessage() + ")";
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Runs {@code action} once the process has exited, however it ends (a container's exit event).
   */
  public void onExit(Runnable action) {
    process.onExit().thenRun(action);
  }

  /** SIGTERM, as the kubelet sends, then the exit code once it drained (SIGKILL after grace). */
  public int stop(Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }
}
