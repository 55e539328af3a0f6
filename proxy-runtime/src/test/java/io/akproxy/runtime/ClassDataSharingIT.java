package io.akproxy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.ProxyConfig;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.PodFiles;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.runtime.RuntimeImage;
import io.akproxy.testkit.runtime.RuntimeProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's class-data-sharing archive, made as its build makes it (the Dockerfile's training
 * commands, run here for the jar under test): the training run goes through every path a pod
 * serves, and the runtime started with the archive and the image's flags maps it and serves.
 */
class ClassDataSharingIT {

  /** One class per path a pod serves, which the training run must have loaded. */
  private static final List<String> EVERY_PATH =
      List.of(
          "io/akproxy/runtime/proxy/ProxyHandler", // HTTPS requests to authentik
          "io/akproxy/runtime/proxy/TunnelRelay", // a WebSocket
          "io/akproxy/runtime/proxy/RedirectHandler", // the HTTP listener
          "io/akproxy/runtime/admin/AdminHandler", // probes, /status, /metrics
          "io/akproxy/runtime/reload/Reloader", // a reload
          "io/vertx/core/http/impl/http2/Http2ServerConnection", // HTTP/2
          "io/netty/handler/ssl/ReferenceCountedOpenSslEngine"); // TLS with OpenSSL

  @TempDir static Path dir;

  @Test
  void theImagesTrainingRunMakesAnArchiveTheRuntimeMapsAndServesWith() throws Exception {
    RuntimeImage image = RuntimeImage.asWritten();
    assertThat(image.archiveFlag()).as("the image maps an archive").isPresent();

    Path training = Files.createDirectories(dir.resolve("training"));
    Path archive = image.train(RuntimeProcess.jar(), training);
    List<String> classes = Files.readAllLines(training.resolve("akproxy.classlist"));
    assertThat(classes).as("classes the training run loaded").containsAll(EVERY_PATH);

    Path classLoading = dir.resolve("class-load.log");
    try (AuthentikStub authentik = AuthentikStub.plain()) {
      ProxyConfig config =
          ProxyFixture.builder(dir.resolve("pod")).upstream(authentik).baseConfig();
      Path configFile = PodFiles.write(dir.resolve("pod"), config);
      try (RuntimeProcess runtime =
          RuntimeProcess.launcher(RuntimeProcess.jar())
              .image(image.withArchive(archive))
              // -Xshare:on: a JVM that cannot map the archive refuses to start, instead of
              // running on without one, as the image's -Xshare:auto would.
              .extraJvmFlags("-Xshare:on", "-Xlog:class+load=info:file=" + classLoading)
              .arguments("--config", configFile.toString(), "--event-loops", "1")
              .anyPorts()
              .log(dir.resolve("runtime.log"))
              .start()) {
        runtime.awaitReady(Duration.ofSeconds(60));
        HttpResponse<String> answer =
            Clients.jdk()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("https://localhost:" + runtime.listening().https() + "/"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
      }
    }
    assertThat(Files.readAllLines(classLoading))
        .as("the proxy's classes came from the archive")
        .anyMatch(
            line ->
                line.contains("io.akproxy.runtime.proxy.ProxyHandler ")
                    && line.contains("source: shared objects file"));
  }
}
