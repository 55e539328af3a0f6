package io.akproxy.testkit.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The proxy runtime as its own process, from the jar the image ships and with the image's JVM flags
 * ({@link RuntimeImage}), the way a pod runs it. Its output goes to a log file.
 *
 * <pre>{@code
 * RuntimeProcess runtime =
 *     RuntimeProcess.launcher(RuntimeProcess.jar())
 *         .arguments("--config", config.toString())
 *         .anyPorts()
 *         .log(dir.resolve("runtime.log"))
 *         .start();
 * runtime.awaitReady(Duration.ofSeconds(60));
 * int https = runtime.listening().https();
 * }</pre>
 *
 * <p>{@link Launcher#anyPorts()} is for tests: every listener binds a port the kernel picks, read
 * from the log ({@link #listening()}), so nothing picks a free port that another process could take
 * before the runtime binds it. {@link Launcher#admin} is for a runtime on ports its configuration
 * fixes (a simulated pod on its own address).
 */
public final class RuntimeProcess implements Closeable {

  /** Where the reactor builds the jar, relative to the repository root. */
  public static final String BUILT_JAR = "proxy-runtime/target/proxy-runtime.jar";

  private final Process process;
  private final Path log;

  /** The log's length when this process started: a reused log holds earlier runs' lines. */
  private final long logStart;

  /** The admin listener as the launcher was told; empty with {@link Launcher#anyPorts()}. */
  private final Optional<URI> configuredAdmin;

  private volatile Listening listening;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RuntimeProcess(Process process, Path log, long logStart, Optional<URI> configuredAdmin) {
    this.process = process;
    this.log = log;
    this.logStart = logStart;
    this.configuredAdmin = configuredAdmin;
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
    private boolean adminGiven;
    private boolean anyPorts;
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

    /**
     * Where the runtime's admin listener will be, for readiness and {@code /status}: the
     * configuration's port (by default 127.0.0.1:9000). Not with {@link #anyPorts()}.
     */
    public Launcher admin(String host, int port) {
      this.adminHost = host;
      this.adminPort = port;
      this.adminGiven = true;
      return this;
    }

    /**
     * {@code --any-ports}: every listener binds a port the kernel picks; {@link #awaitListening}
     * and {@link #awaitReady} read them from the log. For tests, never for a simulated pod.
     */
    public Launcher anyPorts() {
      this.anyPorts = true;
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
      if (anyPorts) {
        command.add("--any-ports");
      }
      return command;
    }

    /** Starts the process; does not wait for readiness. */
    public RuntimeProcess start() {
      if (anyPorts && adminGiven) {
        throw new IllegalStateException(
            "admin(host, port) names a configured port, anyPorts() binds none: choose one");
      }
      try {
        Path output = log != null ? log : Files.createTempFile("akproxy-runtime-", ".log");
        long logStart = Files.exists(output) ? Files.size(output) : 0;
        Process process =
            new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .start();
        Optional<URI> admin =
            anyPorts ? Optional.empty() : Optional.of(Listening.uri(adminHost, adminPort));
        return new RuntimeProcess(process, output, logStart, admin);
      } catch (IOException e) {
        throw new UncheckedIOException("starting the runtime " + jar, e);
      }
    }
  }

  /**
   * Waits until {@code /readyz} answers 200 (with {@link Launcher#anyPorts()}, first until the log
   * says where the admin listener is); fails at once, with the log, if the process dies.
   */
  public void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    if (configuredAdmin.isEmpty()) {
      awaitUntil("listening", timeout, deadline, () -> readListening().isPresent());
    }
    awaitUntil("ready", timeout, deadline, this::isReady);
  }

  /**
   * Waits until the log reports every listener bound, and returns where. Fails, with the log, if
   * the process exits first or {@code timeout} passes.
   */
  public Listening awaitListening(Duration timeout) {
    awaitUntil(
        "listening", timeout, Instant.now().plus(timeout), () -> readListening().isPresent());
    return listening;
  }

  /** Where the listeners are bound, once {@link #awaitListening} or {@link #awaitReady} saw it. */
  public Listening listening() {
    if (listening == null && readListening().isEmpty()) {
      throw new IllegalStateException(
          "the runtime has not logged its listeners yet: call awaitListening or awaitReady first");
    }
    return listening;
  }

  private Optional<Listening> readListening() {
    if (listening == null) {
      listening = Listening.in(ownLogText()).orElse(null);
    }
    return Optional.ofNullable(listening);
  }

  private void awaitUntil(String what, Duration timeout, Instant deadline, BooleanSupplier done) {
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the runtime exited with "
                + process.exitValue()
                + " before "
                + what
                + ":\n"
                + logText());
      }
      if (done.getAsBoolean()) {
        return;
      }
      if (!Instant.now().isBefore(deadline)) {
        throw new IllegalStateException(
            "the runtime was not " + what + " within " + timeout + ":\n" + logText());
      }
      try {
        // Another process: there is no event to wait on, only its log and endpoint to poll.
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** {@code /readyz} answers 200 now. */
  public boolean isReady() {
    if (configuredAdmin.isEmpty() && readListening().isEmpty()) {
      return false;
    }
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
          HttpRequest.newBuilder(adminUri().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * The admin listener's base URI: as given to the launcher, or with {@link Launcher#anyPorts()} as
   * the log says once {@link #awaitListening} or {@link #awaitReady} returned.
   */
  public URI adminUri() {
    return configuredAdmin.orElseGet(() -> listening().adminUri());
  }

  public Path log() {
    return log;
  }

  /** What this process wrote to the log so far, without earlier runs' lines. */
  private String ownLogText() {
    try (SeekableByteChannel channel = Files.newByteChannel(log)) {
      channel.position(logStart);
      return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the runtime's log " + log, e);
    }
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
