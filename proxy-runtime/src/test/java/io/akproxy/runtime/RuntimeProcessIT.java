package io.akproxy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.Listeners;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Shutdown;
import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.PodFiles;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.runtime.support.RequestLoad;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.kubelet.ProjectedVolume;
import io.akproxy.testkit.runtime.Listening;
import io.akproxy.testkit.runtime.RuntimeProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, behaviours 11 and 12, and issue 11 §3: the runnable jar, its command line and SIGTERM.
 */
class RuntimeProcessIT {

  private static final Path JAR = Path.of("target", "proxy-runtime.jar");

  /** A started {@code java -jar proxy-runtime.jar} with its stderr collected line by line. */
  private record Runtime(Process process, List<String> stderr) implements AutoCloseable {

    /** Never leaves a process behind, whatever the test's outcome. */
    @Override
    public void close() {
      process.destroyForcibly();
    }

    static Runtime start(Path config) throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command =
          List.of(
              java,
              "-XX:+UseSerialGC",
              "-Xmx64m",
              "-jar",
              JAR.toString(),
              "--config",
              config.toString(),
              "--event-loops",
              "1");
      Process process =
          new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      List<String> stderr = new CopyOnWriteArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    stderr.add(line);
                  }
                } catch (IOException e) {
                  // The process ended.
                }
              });
      reader.setDaemon(true);
      reader.start();
      return new Runtime(process, stderr);
    }

    String output() {
      return String.join("\n", stderr);
    }

    int exit() throws InterruptedException {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited in time").isTrue();
      return process.exitValue();
    }
  }

  /**
   * Issue 11 §3, against the shipped jar with the image's JVM flags and the contract's default
   * shutdown settings: after SIGTERM /readyz answers 503 at once (within seconds on a machine this
   * test itself loads, far inside the delay), while new connections keep being accepted and served
   * for the delay; then the listeners close, the request in flight finishes, and the process exits
   * 0.
   */
  @Test
  void keepsServingNewConnectionsThroughTheShutdownDelayThenDrainsAndExitsZero(@TempDir Path root)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try (AuthentikStub authentik = AuthentikStub.plain()) {
      ProxyConfig config =
          ProxyFixture.builder(root)
              .upstreamUrl(authentik.url())
              .baseConfig()
              .withShutdown(Shutdown.defaults());
      try (RuntimeProcess runtime = PodFiles.startRuntime(root, config)) {
        // The ports used below are the ones these lines report (--any-ports).
        Listening listening = runtime.listening();
        int https = listening.https();
        assertThat(runtime.logText())
            .contains("listening https on 127.0.0.1:" + https)
            .contains("listening http on 127.0.0.1:" + listening.http().orElseThrow())
            .contains("listening admin on 127.0.0.1:" + listening.admin())
            .containsPattern("tls engine (openssl|jdk)");
        // In flight when the drain starts (it answers after the delay), so it must be drained.
        long slowMillis = (Shutdown.DEFAULT_DELAY_SECONDS + 2) * 1000L;
        // Closed at the end, which also keeps it reachable: Vert.x closes a client nobody
        // references any more, even mid-request.
        HttpClient slowClient = Clients.http(vertx, HttpVersion.HTTP_1_1);
        Future<Integer> inFlight =
            slowClient
                .request(HttpMethod.GET, https, "localhost", "/_stub/slow?ms=" + slowMillis)
                .compose(HttpClientRequest::send)
                .compose(r -> r.body().map(b -> r.statusCode()));
        RequestLoad load = RequestLoad.startWithNewConnections(vertx, https, "/", 4);
        await().atMost(Duration.ofSeconds(30)).until(() -> load.succeeded() >= 50);
        await().atMost(Duration.ofSeconds(10)).until(() -> authentik.requestCount() > 50);

        CompletableFuture<Void> exited = new CompletableFuture<>();
        runtime.onExit(() -> exited.complete(null));
        // SIGTERM from this thread, so the wait for /readyz below starts once it has been sent.
        ProcessHandle.of(runtime.pid()).orElseThrow().destroy();

        await()
            .atMost(Duration.ofSeconds(3))
            .until(() -> runtime.admin("/readyz").statusCode() == 503);
        // A few dozen new connections within the delay: enough to see a refusal, few enough for
        // a machine at a load of 15 (each is a TLS handshake).
        long atUnready = load.succeeded();
        await()
            .atMost(Duration.ofSeconds(Shutdown.DEFAULT_DELAY_SECONDS))
            .until(() -> load.succeeded() >= atUnready + 20 || load.failed() > 0);
        load.stop();
        await().atMost(Duration.ofSeconds(10)).until(load::idle);
        assertThat(load.failures()).as("requests on new connections after SIGTERM").isEmpty();
        assertThat(load.failed()).isZero();
        assertThat(runtime.logText())
            .as("still within the delay after the load stopped (else this machine is too slow)")
            .doesNotContain("draining:");

        await()
            .atMost(Duration.ofSeconds(Shutdown.DEFAULT_DELAY_SECONDS + 5))
            .until(() -> runtime.logText().contains("draining:"));
        await().atMost(Duration.ofSeconds(10)).until(() -> refused(https));
        assertThat(inFlight.await(30, TimeUnit.SECONDS)).isEqualTo(200);
        slowClient.close();
        exited.get(60, TimeUnit.SECONDS);
        // It has exited: stop() signals nothing more and returns its exit code.
        assertThat(runtime.stop(Duration.ZERO)).isZero();
        assertThat(runtime.logText()).contains("received SIGTERM").contains("stopped");
        load.close();
      }
    } finally {
      vertx.close();
    }
  }

  private static boolean refused(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException refused) {
      return true;
    } catch (IOException other) {
      return false;
    }
  }

  /**
   * {@code --any-ports}, which the process tests rely on to never race another process for a port
   * picked beforehand: two runtimes serve one configuration side by side, each on ports of its own
   * that its log reports, none of them the configured ones.
   */
  @Test
  void twoRuntimesServeOneConfigurationOnPortsTheKernelPicked(@TempDir Path root) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (AuthentikStub authentik = AuthentikStub.plain()) {
      ProxyConfig config = ProxyFixture.builder(root).upstreamUrl(authentik.url()).baseConfig();
      Path file = PodFiles.write(root, config);
      try (RuntimeProcess first = PodFiles.startRuntime(file, root.resolve("first.log"));
          RuntimeProcess second = PodFiles.startRuntime(file, root.resolve("second.log"))) {
        List<Integer> bound = new ArrayList<>();
        for (RuntimeProcess runtime : List.of(first, second)) {
          Listening listening = runtime.listening();
          bound.addAll(
              List.of(listening.https(), listening.http().orElseThrow(), listening.admin()));
          assertThat(runtime.logText())
              .contains("--any-ports")
              .contains("listening https on 127.0.0.1:" + listening.https());
          assertThat(status(vertx, listening.https())).isEqualTo(200);
          assertThat(new JsonObject(runtime.admin("/status").body()).getString("configHash"))
              .isEqualTo(config.hash());
        }
        assertThat(bound)
            .doesNotHaveDuplicates()
            .doesNotContain(
                config.listeners().https().port(),
                config.listeners().http().port(),
                config.listeners().admin().port());
        assertThat(authentik.requestCount()).isEqualTo(2);
      }
    } finally {
      vertx.close();
    }
  }

  private static int status(Vertx vertx, int https) throws Exception {
    HttpClient client = Clients.http(vertx, HttpVersion.HTTP_1_1);
    try {
      return client
          .request(HttpMethod.GET, https, "localhost", "/")
          .compose(HttpClientRequest::send)
          .compose(r -> r.body().map(b -> r.statusCode()))
          .await(10, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  void servesAPodsUnmodifiedConfigurationThroughTheCommandLineOverrides(@TempDir Path root)
      throws Exception {
    String address = OverridesTest.podAddress();
    String service = "authentik-server.authentik.svc.cluster.local:9000";
    Vertx vertx = Vertx.vertx();
    try (AuthentikStub upstream = AuthentikStub.plain()) {
      // The pod's own paths (/etc/akproxy/...) and the cluster's upstream name, as rendered.
      ProxyConfig config =
          ProxyFixture.builder(root)
              .outsideThePod(address, Map.of())
              .upstreamUrl("http://" + service)
              .baseConfig();
      Path file = PodFiles.write(root.resolve("etc/akproxy"), config);
      String resolve = service + "=127.0.0.1:" + upstream.port();
      try (RuntimeProcess runtime =
          RuntimeProcess.launcher(RuntimeProcess.jar())
              .arguments("--config", file.toString(), "--event-loops", "1")
              .arguments("--root", root.toString(), "--bind-address", address)
              .arguments("--resolve", resolve)
              .anyPorts()
              .log(root.resolve("runtime.log"))
              .start()) {
        Listening listening = runtime.awaitListening(Duration.ofSeconds(60));
        int https = listening.https();
        assertThat(listening.address()).isEqualTo(address);
        assertThat(runtime.logText())
            .contains("override --root " + root)
            .contains("override --bind-address " + address)
            .contains("override --resolve " + resolve)
            .contains("listening https on " + address + ":" + https);

        HttpClient client = Clients.http(vertx, HttpVersion.HTTP_1_1);
        int status =
            client
                .request(
                    new io.vertx.core.http.RequestOptions()
                        .setServer(
                            io.vertx.core.net.SocketAddress.inetSocketAddress(https, address))
                        .setHost("localhost")
                        .setPort(https)
                        .setURI("/"))
                .compose(HttpClientRequest::send)
                .compose(r -> r.body().map(b -> r.statusCode()))
                .await(10, TimeUnit.SECONDS);
        assertThat(status).isEqualTo(200);
        client.close();

        JsonObject served = AdminProbe.status(address, listening.admin());
        assertThat(served.getString("configHash")).isEqualTo(config.hash());
        // The shipped jar carries natives for both Linux architectures: no fallback on either.
        if (System.getProperty("os.name").equals("Linux")
            && List.of("amd64", "aarch64").contains(System.getProperty("os.arch"))) {
          assertThat(served.getString("tlsEngine")).isEqualTo("openssl");
          assertThat(served.getString("transport")).isEqualTo("epoll");
        }
        assertThat(served.getJsonObject("overrides").getString("bindAddress")).isEqualTo(address);
        assertThat(served.getJsonObject("overrides").getJsonObject("resolve").getString(service))
            .isEqualTo("127.0.0.1:" + upstream.port());
      }
    } finally {
      vertx.close();
    }
  }

  @Test
  void refusesAnInvalidConfigurationWithEveryErrorAndExitCode2(@TempDir Path root)
      throws Exception {
    Path config = root.resolve("proxy.json");
    Files.writeString(
        config,
        """
        {"version": 1, "serverNames": ["Not A Host"],
         "listeners": {"https": {"port": 70000}},
         "tls": {"minVersion": "TLSv1.1"},
         "upstrem": {}}
        """);
    try (Runtime runtime = Runtime.start(config)) {
      assertThat(runtime.exit()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(5)).until(() -> runtime.output().contains("upstrem"));
      assertThat(runtime.output())
          .contains("serverNames[0]")
          .contains("listeners.https.port")
          .contains("tls.minVersion")
          .contains("upstrem")
          .contains(config.toString());
    }
  }

  /** Exit 1, naming the listener and where it tried to listen, not only the socket's error. */
  @Test
  void aListenerThatCannotBindExitsOneNamingItsPortAndAddress(@TempDir Path root) throws Exception {
    // Held for the whole test, so the bind fails whatever else runs on this machine. The admin
    // listener opens first: its failure stops the start before any other listener binds.
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ProxyConfig base = ProxyFixture.builder(root).baseConfig();
      Listeners listeners = base.listeners();
      ProxyConfig config =
          base.withListeners(
              new Listeners(
                  listeners.bindAddress(),
                  listeners.https(),
                  listeners.http(),
                  new Listeners.Admin(taken.getLocalPort())));
      try (Runtime runtime = Runtime.start(PodFiles.write(root, config))) {
        assertThat(runtime.exit()).isEqualTo(1);
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> runtime.output().contains("Address already in use"));
        assertThat(runtime.output())
            .contains(
                "cannot start: listeners.admin.port " + taken.getLocalPort() + " on 127.0.0.1: ");
      }
    }
  }

  @Test
  void refusesAMissingCertificateNamingTheFile(@TempDir Path root) throws Exception {
    ProxyConfig config = ProxyFixture.builder(root).baseConfig();
    Path file =
        ProjectedVolume.withText(root.resolve("config"), Map.of("proxy.json", config.render()))
            .file("proxy.json");
    try (Runtime runtime = Runtime.start(file)) {
      assertThat(runtime.exit()).isEqualTo(2);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> runtime.output().contains(config.tls().certFile() + ": no such file"));
    }
  }
}
