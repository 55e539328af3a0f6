package io.akproxy.runtime;

import io.akproxy.config.ProxyConfig;
import io.akproxy.runtime.admin.Metrics;
import io.akproxy.runtime.load.FileSetReader;
import io.akproxy.runtime.load.LoadException;
import io.akproxy.runtime.load.LoadedSet;
import io.akproxy.runtime.log.AccessLog;
import io.akproxy.runtime.reload.Reloader;
import io.akproxy.runtime.server.TlsEngine;
import io.akproxy.runtime.vertx.AcceptOnEventLoops;
import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.security.Security;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * {@code java -jar proxy-runtime.jar --config /etc/akproxy/config/proxy.json}: loads and checks the
 * mounted files (exit 2 with every problem when they cannot be served), opens the listeners,
 * reloads on change, and on SIGTERM turns unready, keeps serving for {@code shutdown.delaySeconds},
 * drains in-flight requests and exits 0.
 */
public final class Main {

  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_CONFIG = 2;

  private static final Logger LOG = Logger.getLogger("akproxy");

  private Main() {}

  public static void main(String[] args) {
    configureLogging();
    fastInMemoryKeyStores();
    CommandLine commandLine;
    try {
      commandLine =
          CommandLine.parse(
              Arrays.asList(args), System.getenv(), Runtime.getRuntime().availableProcessors());
    } catch (CommandLine.UsageException e) {
      System.err.println("akproxy: " + e.getMessage());
      System.err.println(CommandLine.USAGE);
      System.exit(EXIT_CONFIG);
      return;
    }
    System.exit(run(commandLine));
  }

  private static int run(CommandLine commandLine) {
    // Handle SIGTERM from the start: before the listeners are up there is nothing to drain.
    AtomicReference<Consumer<String>> stop =
        new AtomicReference<>(
            signal -> {
              LOG.info("received SIG" + signal + " while starting; exiting");
              System.exit(EXIT_OK);
            });
    Termination.onSignal(signal -> stop.get().accept(signal));
    Clock clock = Clock.systemUTC();
    Overrides overrides = commandLine.overrides();
    overrides.describe().forEach(line -> LOG.info("override " + line));
    if (commandLine.anyPorts()) {
      LOG.info("--any-ports: every listener binds a port the kernel picks (tests only)");
    }
    LoadedSet initial;
    try {
      initial =
          LoadedSet.from(
              FileSetReader.read(commandLine.configFile(), overrides.files()), clock.instant());
    } catch (LoadException e) {
      System.err.println("akproxy: cannot start, the mounted configuration is not usable:");
      e.problems().forEach(problem -> System.err.println("  " + problem));
      return EXIT_CONFIG;
    }
    ProxyConfig config = initial.config();
    if (config.forwarding().proxyProtocol() && !ProxyProtocolSupport.available()) {
      System.err.println(
          "akproxy: cannot start: forwarding.proxyProtocol is on but netty-codec-haproxy is not on"
              + " the classpath (Vert.x would silently ignore PROXY headers)");
      return EXIT_CONFIG;
    }
    TlsEngine engine;
    try {
      engine = TlsEngine.choose(commandLine.tlsEngine());
    } catch (IllegalArgumentException e) {
      System.err.println("akproxy: " + e.getMessage());
      return EXIT_CONFIG;
    }
    logEngine(engine);

    Metrics metrics = new Metrics();
    AccessLog accessLog =
        new AccessLog(new FileOutputStream(FileDescriptor.out), metrics::accessLogDropped);
    Vertx vertx = vertx(commandLine.eventLoops());
    RuntimeOptions options =
        new RuntimeOptions(
            commandLine.eventLoops(), engine, accessLog, clock, overrides, commandLine.anyPorts());
    ProxyRuntime runtime;
    try {
      runtime = ProxyRuntime.start(vertx, initial, options, metrics).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "cannot start: " + e.getMessage());
      vertx.close();
      return EXIT_FAILURE;
    }
    LOG.info(
        "transport "
            + ProxyRuntime.transportOf(vertx)
            + (vertx.isNativeTransportEnabled()
                ? ""
                : " (epoll unavailable on "
                    + System.getProperty("os.arch")
                    + ": "
                    + vertx.unavailableNativeTransportCause()
                    + ")"));
    LOG.info(
        "serving config "
            + initial.configHash()
            + " with certificate serial "
            + initial.certificate().info().serial()
            + " on "
            + commandLine.eventLoops()
            + " event loop(s)");
    Reloader reloader =
        new Reloader(vertx, commandLine.configFile(), overrides.files(), runtime, clock, initial);
    reloader.start(config);

    stop.set(
        signal -> {
          LOG.info("received SIG" + signal);
          reloader.close();
          try {
            runtime
                .shutdown()
                .await(runtime.shutdownTimings().terminationSeconds(), TimeUnit.SECONDS);
          } catch (Exception e) {
            LOG.warning("drain did not finish cleanly: " + e.getMessage());
          }
          accessLog.close();
          try {
            vertx.close().await(5, TimeUnit.SECONDS);
          } catch (Exception e) {
            // Exiting anyway.
          }
          LOG.info("stopped");
          System.exit(EXIT_OK);
        });
    return awaitExit();
  }

  /** The main thread's part is done; the signal handler ends the process. */
  private static int awaitExit() {
    Object forever = new Object();
    synchronized (forever) {
      while (true) {
        try {
          forever.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return EXIT_OK;
        }
      }
    }
  }

  private static void logEngine(TlsEngine engine) {
    if (engine == TlsEngine.OPENSSL) {
      LOG.info("tls engine openssl (" + OpenSsl.versionString() + ")");
    } else {
      Throwable cause = OpenSsl.unavailabilityCause();
      LOG.info(
          "tls engine jdk"
              + (cause == null ? "" : " (OpenSSL unavailable: " + cause.getMessage() + ")"));
    }
  }

  /**
   * The runtime's Vert.x: on epoll, with listeners accepting on its first event loop instead of a
   * thread of their own ({@link AcceptOnEventLoops}); on NIO, as Vert.x comes.
   */
  public static Vertx vertx(int eventLoops) {
    VertxBuilder builder = Vertx.builder().with(vertxOptions(eventLoops));
    AcceptOnEventLoops.ofNativeTransport().ifPresent(builder::withTransport);
    return builder.build();
  }

  /** How the runtime's Vert.x runs: epoll, the given event loops, small worker pools. */
  private static VertxOptions vertxOptions(int eventLoops) {
    return new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventLoopPoolSize(eventLoops)
        .setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2);
  }

  /**
   * Vert.x and the certificate checks hold the served key in in-memory PKCS#12 key stores, which
   * the JDK protects with 10,000 rounds of PBKDF2 per entry written and read: tens of milliseconds
   * of every reload for a protection that only matters to a key store written to disk, which this
   * process never does.
   */
  public static void fastInMemoryKeyStores() {
    Security.setProperty("keystore.pkcs12.keyPbeIterationCount", "1");
  }

  public static void configureLogging() {
    LogManager.getLogManager().reset();
    ConsoleHandler handler = new ConsoleHandler();
    handler.setFormatter(new OneLineFormatter());
    handler.setLevel(Level.INFO);
    Logger root = Logger.getLogger("");
    root.addHandler(handler);
    root.setLevel(Level.INFO);
    // Keep System.out for the access log only.
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
  }
}
