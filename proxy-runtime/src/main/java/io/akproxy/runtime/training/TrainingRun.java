package io.akproxy.runtime.training;

import io.akproxy.runtime.Main;
import io.akproxy.runtime.Overrides;
import io.akproxy.runtime.ProxyRuntime;
import io.akproxy.runtime.RuntimeOptions;
import io.akproxy.runtime.admin.Metrics;
import io.akproxy.runtime.load.FileRoot;
import io.akproxy.runtime.load.FileSetReader;
import io.akproxy.runtime.load.LoadedSet;
import io.akproxy.runtime.log.AccessLog;
import io.akproxy.runtime.reload.Reloader;
import io.akproxy.runtime.server.TlsEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.HostAndPort;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The image build's training run, for its class-data-sharing archive: {@code java <the image's
 * flags> -XX:ArchiveClassesAtExit=akproxy.jsa -cp proxy-runtime.jar
 * io.akproxy.runtime.training.TrainingRun}. It serves every kind of traffic a pod serves once,
 * in-process and on loopback only (HTTP/1.1 keep-alive and new connections, HTTP/2, a WebSocket,
 * the redirect listener, the admin endpoints, a reload), so that the classes those paths load are
 * in the archive, then exits 0 and the JVM writes the archive. A pod started with the archive maps
 * those classes instead of loading, parsing and verifying them from the jar: it answers sooner, and
 * the classes' metadata is shared file-backed memory instead of its own.
 *
 * <p>Nothing here leaves the process: a throwaway certificate, an upstream on 127.0.0.1 standing in
 * for authentik, ports the kernel picks. It exits 1 when any step fails, so a broken training run
 * fails the image build instead of shipping an archive that misses the hot paths.
 */
public final class TrainingRun {

  private static final String NAME = "training.akproxy.invalid";
  private static final TimeUnit SECONDS = TimeUnit.SECONDS;
  private static final int REQUESTS = 300;
  private static final Duration STEP = Duration.ofSeconds(60);

  private TrainingRun() {}

  public static void main(String[] args) {
    Main.configureLogging();
    Main.fastInMemoryKeyStores();
    int exit;
    try {
      train();
      exit = 0;
    } catch (Exception e) {
      System.err.println("akproxy training run failed: " + e);
      e.printStackTrace();
      exit = 1;
    }
    System.exit(exit);
  }

  private static void train() throws Exception {
    Path dir = Files.createTempDirectory("akproxy-training-");
    Vertx vertx = Main.vertx(1);
    try {
      HttpServer authentik = standInForAuthentik(vertx);
      Path config = writeFiles(dir, authentik.actualPort());
      Clock clock = Clock.systemUTC();
      LoadedSet initial =
          LoadedSet.from(FileSetReader.read(config, FileRoot.AS_WRITTEN), clock.instant());
      Metrics metrics = new Metrics();
      RuntimeOptions options =
          new RuntimeOptions(
              1,
              TlsEngine.choose("auto"),
              new AccessLog(OutputStream.nullOutputStream(), metrics::accessLogDropped),
              clock,
              Overrides.NONE,
              true);
      ProxyRuntime runtime =
          ProxyRuntime.start(vertx, initial, options, metrics).await(STEP.toSeconds(), SECONDS);
      Reloader reloader = new Reloader(vertx, config, FileRoot.AS_WRITTEN, runtime, clock, initial);
      reloader.start(initial.config());
      try {
        serveEveryKind(vertx, runtime);
        reload(dir, runtime);
      } finally {
        reloader.close();
      }
      runtime.shutdown().await(STEP.toSeconds(), SECONDS);
    } finally {
      vertx.close().await(STEP.toSeconds(), SECONDS);
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** Answers every request with a small body, and echoes WebSocket messages. */
  private static HttpServer standInForAuthentik(Vertx vertx) throws Exception {
    return vertx
        .createHttpServer()
        .webSocketHandler(ws -> ws.handler(ws::write))
        .requestHandler(request -> request.response().end("trained"))
        .listen(0, "127.0.0.1")
        .await(STEP.toSeconds(), SECONDS);
  }

  private static Path writeFiles(Path dir, int authentikPort) throws Exception {
    Instant now = Instant.now();
    SelfSignedCertificate certificate =
        SelfSignedCertificate.forName(NAME, now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Files.writeString(tls.resolve("tls.crt"), certificate.certificatePem);
    Files.writeString(tls.resolve("tls.key"), certificate.privateKeyPem);
    Path config = dir.resolve("proxy.json");
    Files.writeString(config, proxyJson(tls, authentikPort, 31536000));
    return config;
  }

  private static String proxyJson(Path tls, int authentikPort, int hstsMaxAge) {
    return """
        {
          "version": 1,
          "serverNames": ["%s"],
          "listeners": {"bindAddress": "127.0.0.1"},
          "tls": {"certFile": "%s", "keyFile": "%s", "hsts": {"maxAgeSeconds": %d}},
          "upstream": {"url": "http://127.0.0.1:%d"},
          "reload": {"debounceMillis": 50, "pollIntervalSeconds": 1},
          "shutdown": {"delaySeconds": 0, "gracePeriodSeconds": 1}
        }
        """
        .formatted(NAME, tls.resolve("tls.crt"), tls.resolve("tls.key"), hstsMaxAge, authentikPort);
  }

  private static void serveEveryKind(Vertx vertx, ProxyRuntime runtime) throws Exception {
    int https = runtime.httpsPort();
    requests(vertx, clientOptions(HttpVersion.HTTP_1_1, true), https, REQUESTS, 200);
    requests(vertx, clientOptions(HttpVersion.HTTP_1_1, false), https, REQUESTS / 10, 200);
    requests(vertx, clientOptions(HttpVersion.HTTP_2, true).setUseAlpn(true), https, REQUESTS, 200);
    requests(vertx, new HttpClientOptions(), runtime.httpPort(), 16, 301);
    webSocket(vertx, https);
    HttpClient admin = vertx.createHttpClient();
    try {
      for (String path : List.of("/readyz", "/healthz", "/status", "/metrics")) {
        answer(
                200,
                admin.request(HttpMethod.GET, runtime.adminPort(), "127.0.0.1", path),
                request -> request)
            .await(STEP.toSeconds(), SECONDS);
      }
    } finally {
      admin.close();
    }
  }

  private static HttpClientOptions clientOptions(HttpVersion version, boolean keepAlive) {
    return new HttpClientOptions()
        .setSsl(true)
        .setTrustAll(true)
        .setVerifyHost(false)
        .setDefaultHost("127.0.0.1")
        .setProtocolVersion(version)
        .setKeepAlive(keepAlive);
  }

  /** {@code count} GETs, eight at a time, each of which must be answered with {@code status}. */
  private static void requests(
      Vertx vertx, HttpClientOptions options, int port, int count, int status) throws Exception {
    HttpClient client =
        vertx.httpClientBuilder().with(options).with(new PoolOptions().setHttp1MaxSize(8)).build();
    try {
      for (int sent = 0; sent < count; sent += 8) {
        List<Future<Buffer>> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          batch.add(
              answer(
                  status,
                  client.request(
                      HttpMethod.GET, port, "127.0.0.1", "/if/flow/default-authentication/"),
                  request -> request.authority(HostAndPort.create(NAME, port))));
        }
        Future.all(batch).await(STEP.toSeconds(), SECONDS);
      }
    } finally {
      client.close();
    }
  }

  /** The request sent, its body read; failed unless the answer has {@code status}. */
  private static Future<Buffer> answer(
      int status, Future<HttpClientRequest> request, UnaryOperator<HttpClientRequest> prepare) {
    return request
        .compose(r -> prepare.apply(r).send())
        .compose(
            response ->
                response.statusCode() == status
                    ? response.body()
                    : Future.failedFuture("expected " + status + ", got " + response.statusCode()));
  }

  private static void webSocket(Vertx vertx, int port) throws Exception {
    WebSocketClient client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
    try {
      WebSocket ws =
          client
              .connect(
                  new WebSocketConnectOptions()
                      .setHost("127.0.0.1")
                      .setPort(port)
                      .setURI("/ws/client/")
                      .addHeader("Host", NAME))
              .await(STEP.toSeconds(), SECONDS);
      for (int i = 0; i < 20; i++) {
        Promise<Buffer> echoed = Promise.promise();
        ws.handler(echoed::tryComplete);
        ws.write(Buffer.buffer("hello " + i));
        echoed.future().await(STEP.toSeconds(), SECONDS);
      }
      ws.close().await(STEP.toSeconds(), SECONDS);
    } finally {
      client.close();
    }
  }

  /** A new proxy.json: the reload path (file watch, checks, snapshot swap) runs once. */
  private static void reload(Path dir, ProxyRuntime runtime) throws Exception {
    long applied = runtime.reloadStatus().applied();
    Path config = dir.resolve("proxy.json");
    String changed =
        Files.readString(config)
            .replace("\"maxAgeSeconds\": 31536000", "\"maxAgeSeconds\": 63072000");
    Path next = dir.resolve("proxy.json.next");
    Files.writeString(next, changed);
    Files.move(next, config, StandardCopyOption.ATOMIC_MOVE);
    Instant deadline = Instant.now().plus(STEP);
    while (runtime.reloadStatus().applied() == applied) {
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("the training reload was not applied within " + STEP);
      }
      // Another thread applies it; nothing to wait on but its counter.
      Thread.sleep(20);
    }
  }
}
