package io.akproxy.runtime.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.Forwarding;
import io.akproxy.config.Listeners;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Reload;
import io.akproxy.config.Tls;
import io.akproxy.config.Upstream;
import io.akproxy.runtime.load.LoadedSet;
import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.pki.CertificateAuthority;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.time.Await;
import io.akproxy.testkit.time.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 4: live reload of the mounted files, laid out and swapped as kubelet does. */
class ReloadTest {

  // Generous: on a loaded machine a poll and a debounce can take a while; a pass takes ~1 s.
  private static final Duration RELOADED = Duration.ofSeconds(20);
  private static final int BURST_DEBOUNCE_MILLIS = 3000;

  private static final int BURST_POLL_SECONDS = 4;

  private static Vertx vertx;
  private static HttpClient h1;
  private static AuthentikStub upstream;

  @TempDir Path root;
  private ProxyFixture proxy;

  @BeforeAll
  static void clients() {
    vertx = Vertx.vertx();
    h1 = Clients.http(vertx, HttpVersion.HTTP_1_1);
    upstream = AuthentikStub.plain();
  }

  @AfterAll
  static void stop() {
    upstream.close();
    vertx.close();
  }

  @BeforeEach
  void start() throws Exception {
    proxy = ProxyFixture.builder(root).upstream(upstream).reload().start();
  }

  @AfterEach
  void close() {
    proxy.close();
  }

  /** Replaces the test's proxy with one in {@code dir} that reloads with these settings. */
  private void restartWith(String dir, Reload reload) throws Exception {
    proxy.close();
    proxy =
        ProxyFixture.builder(root.resolve(dir))
            .upstream(upstream)
            .config(c -> c.withReload(reload))
            .reload()
            .start();
  }

  private JsonObject status() {
    return AdminProbe.status(proxy.adminPort());
  }

  private long applied() {
    return status().getJsonObject("reloads").getLong("applied");
  }

  private long failed() {
    return status().getJsonObject("reloads").getLong("failed");
  }

  /** The serial a brand-new TLS connection is served. */
  private String servedSerial() {
    try (SSLSocket socket = Clients.tls(proxy.httpsPort())) {
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSerialNumber()
          .toString(16);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> tlsFiles(Issued leaf) {
    return Map.of("tls.crt", leaf.chainPem(), "tls.key", leaf.keyPem());
  }

  private static Issued newLeaf() {
    return ProxyFixture.serverCertificate();
  }

  @Test
  void servesANewCertificateAfterASwapAndLeavesOpenConnectionsAlone() throws Exception {
    String before = servedSerial();
    try (SSLSocket open = Clients.tls(proxy.httpsPort())) {
      Issued next = newLeaf();
      proxy.tlsVolume().projectText(tlsFiles(next));
      await().atMost(RELOADED).until(() -> servedSerial().equals(next.serialHex()));
      assertThat(status().getJsonObject("certificate").getString("serial"))
          .isEqualTo(next.serialHex());
      assertThat(status().getJsonObject("lastReload").getString("result")).isEqualTo("ok");
      assertThat(applied()).isEqualTo(1);
      String metrics = AdminProbe.metrics(proxy.adminPort());
      assertThat(metrics)
          .contains(
              "akproxy_certificate_not_after_seconds "
                  + next.certificate().getNotAfter().toInstant().getEpochSecond())
          .contains("akproxy_reloads_total{result=\"applied\"} 1");
      // The connection opened before the swap keeps its session and still works.
      String response =
          Clients.exchange(open, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      assertThat(response).startsWith("HTTP/1.1 200 ");
      assertThat(
              ((X509Certificate) open.getSession().getPeerCertificates()[0])
                  .getSerialNumber()
                  .toString(16))
          .isEqualTo(before);
    }
  }

  @Test
  void keepsTheLastGoodCertificateWhenTheNewOneIsBrokenExpiredOrMismatched() {
    String serial = servedSerial();
    Issued other = newLeaf();
    Issued expired =
        CertificateAuthority.sharedIntermediate()
            .issue(Certificates.forHosts(ProxyFixture.SERVER_NAME).expired());
    List<Map<String, String>> bad =
        List.of(
            Map.of("tls.crt", "-----BEGIN CERTIFICATE-----\nnot base64!\n", "tls.key", "x"),
            tlsFiles(expired),
            tlsFiles(other.withKeyOf(newLeaf())));
    List<String> reasons =
        List.of("no PEM certificate found", "the certificate expired at", "does not match");
    for (int i = 0; i < bad.size(); i++) {
      long failedBefore = failed();
      proxy.tlsVolume().projectText(bad.get(i));
      await().atMost(RELOADED).until(() -> failed() == failedBefore + 1);
      JsonObject lastReload = status().getJsonObject("lastReload");
      assertThat(lastReload.getString("result")).isEqualTo("failed");
      assertThat(lastReload.getString("error"))
          .contains(root.resolve("tls").toString())
          .contains(reasons.get(i))
          .doesNotContain("PRIVATE KEY-----");
      assertThat(servedSerial()).isEqualTo(serial);
      assertThat(Answer.get(h1, proxy.httpsPort(), "/").status()).isEqualTo(200);
    }
    assertThat(applied()).isZero();
    assertThat(AdminProbe.metrics(proxy.adminPort()))
        .contains("akproxy_reloads_total{result=\"failed\"} 3")
        .contains("akproxy_last_reload_success 0");
    assertThat(AdminProbe.get(proxy.adminPort(), "/readyz").statusCode()).isEqualTo(200);
  }

  /**
   * A certificate issued for later (cert-manager renewing ahead, an issuer's clock a little fast)
   * is refused until it is valid, and then applied with no change to the files: the poll retries a
   * refusal that only time can lift. The runtime's clock is the test's; the files never change.
   */
  @Test
  void appliesACertificateIssuedForLaterOnceItBecomesValid() throws Exception {
    ManualClock clock = ManualClock.startingNow();
    try (ProxyFixture timed =
        ProxyFixture.builder(root.resolve("later"))
            .upstream(upstream)
            .clock(clock)
            .reload()
            .start()) {
      Issued later =
          CertificateAuthority.sharedIntermediate()
              .issue(
                  Certificates.forHosts(ProxyFixture.SERVER_NAME, "localhost")
                      .clock(clock)
                      .notYetValid(Duration.ofHours(1)));
      timed.tlsVolume().projectText(tlsFiles(later));
      await()
          .atMost(RELOADED)
          .until(
              () ->
                  AdminProbe.status(timed.adminPort()).getJsonObject("reloads").getLong("failed")
                      >= 1);
      assertThat(
              AdminProbe.status(timed.adminPort()).getJsonObject("lastReload").getString("error"))
          .contains("is not valid before");

      clock.advance(Duration.ofHours(1).plusSeconds(1));

      await()
          .atMost(RELOADED)
          .until(
              () ->
                  later
                      .serialHex()
                      .equals(
                          AdminProbe.status(timed.adminPort())
                              .getJsonObject("certificate")
                              .getString("serial")));
      assertThat(
              AdminProbe.status(timed.adminPort()).getJsonObject("lastReload").getString("result"))
          .isEqualTo("ok");
    }
  }

  @Test
  void keepsTheLastGoodConfigurationThenAppliesTheFixedOne() {
    proxy
        .configVolume()
        .projectText(Map.of("proxy.json", "{\"version\": 1, \"tls\": {\"hsts\": 5}"));
    await().atMost(RELOADED).until(() -> failed() == 1);
    assertThat(status().getJsonObject("lastReload").getString("error"))
        .contains(root.resolve("config/proxy.json").toString())
        .contains("not valid JSON");

    ProxyConfig invalid = proxy.config().withPathPrefix("no-slashes");
    proxy.writeConfig(invalid);
    await().atMost(RELOADED).until(() -> failed() == 2);
    assertThat(status().getJsonObject("lastReload").getString("error")).contains("pathPrefix");
    assertThat(Answer.get(h1, proxy.httpsPort(), "/").header("strict-transport-security"))
        .isEqualTo("max-age=63072000");

    ProxyConfig fixed =
        proxy
            .config()
            .withTls(
                new Tls(
                    proxy.config().tls().certFile(),
                    proxy.config().tls().keyFile(),
                    Tls.TLS_1_3,
                    true,
                    new Tls.Hsts(600, false, false)));
    proxy.writeConfig(fixed);
    await().atMost(RELOADED).until(() -> applied() == 1);
    assertThat(Answer.get(h1, proxy.httpsPort(), "/").header("strict-transport-security"))
        .isEqualTo("max-age=600");
    assertThat(status().getString("configHash")).isEqualTo(fixed.hash());
    assertThat(status().getJsonObject("lastReload").getString("result")).isEqualTo("ok");
  }

  @Test
  void appliesTrustedProxyAndUpstreamChangesToNewRequests() throws Exception {
    upstream.clear();
    Answer.send(
        h1,
        Answer.request(io.vertx.core.http.HttpMethod.GET, proxy.httpsPort(), "/")
            .putHeader("x-forwarded-for", "203.0.113.1"),
        null);
    assertThat(upstream.last().header("x-forwarded-for")).isEqualTo("127.0.0.1");

    proxy.writeConfig(proxy.config().withForwarding(new Forwarding(List.of("127.0.0.0/8"), false)));
    await().atMost(RELOADED).until(() -> applied() == 1);
    Answer.send(
        h1,
        Answer.request(io.vertx.core.http.HttpMethod.GET, proxy.httpsPort(), "/")
            .putHeader("x-forwarded-for", "203.0.113.1"),
        null);
    assertThat(upstream.last().header("x-forwarded-for")).isEqualTo("203.0.113.1, 127.0.0.1");

    try (AuthentikStub second = AuthentikStub.plain()) {
      Upstream u = proxy.config().upstream();
      proxy.writeConfig(
          proxy
              .config()
              .withUpstream(
                  new Upstream(
                      second.url(),
                      u.tls(),
                      u.keepAlive(),
                      u.connectTimeoutSeconds(),
                      u.responseTimeoutSeconds())));
      await().atMost(RELOADED).until(() -> applied() == 2);
      assertThat(Answer.get(h1, proxy.httpsPort(), "/").status()).isEqualTo(200);
      assertThat(second.received()).hasSize(1);
    }
  }

  @Test
  void appliesATlsMinimumVersionChangeToNewConnections() {
    assertThatThrownBy(() -> Clients.tls(proxy.httpsPort(), List.of("TLSv1.2"), List.of()))
        .hasCauseInstanceOf(javax.net.ssl.SSLException.class);
    Tls tls = proxy.config().tls();
    proxy.writeConfig(
        proxy
            .config()
            .withTls(new Tls(tls.certFile(), tls.keyFile(), Tls.TLS_1_2, tls.http2(), tls.hsts())));
    await().atMost(RELOADED).until(() -> applied() == 1);
    try (SSLSocket socket = Clients.tls(proxy.httpsPort(), List.of("TLSv1.2"), List.of())) {
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(status().getBoolean("restartRequired")).isFalse();
  }

  @Test
  void aBurstOfChangesIsOneReload() throws Exception {
    // A debounce far longer than the burst takes to write, even on a stalled machine.
    restartWith("burst", new Reload(BURST_POLL_SECONDS, BURST_DEBOUNCE_MILLIS));
    Issued next = newLeaf();
    ProxyConfig changed = proxy.config().withPathPrefix("/authentik/");
    proxy.tlsVolume().projectText(tlsFiles(newLeaf()));
    proxy.writeConfig(changed);
    proxy.tlsVolume().projectText(tlsFiles(next));
    await().atMost(RELOADED).until(() -> applied() >= 1);
    // Nothing else is coming: the count stays put for longer than a debounce and a poll.
    long reloads =
        Await.untilStable(
            "applied reloads",
            Duration.ofMillis(BURST_DEBOUNCE_MILLIS + BURST_POLL_SECONDS * 1000 + 500),
            RELOADED,
            this::applied);
    assertThat(reloads).isEqualTo(1);
    assertThat(failed()).isZero();
    assertThat(servedSerial()).isEqualTo(next.serialHex());
    assertThat(status().getString("configHash")).isEqualTo(changed.hash());
  }

  @Test
  void reloadsWhenPollsComeFasterThanTheDebounceEnds() throws Exception {
    // A poll that finds the files changed while a debounce is under way must leave it running:
    // restarting it from every poll would put the reload off for as long as the files differ.
    restartWith("fast-polls", new Reload(1, BURST_DEBOUNCE_MILLIS));
    ProxyConfig changed = proxy.config().withPathPrefix("/authentik/");

    proxy.writeConfig(changed);

    await().atMost(RELOADED).until(() -> applied() >= 1);
    assertThat(status().getString("configHash")).isEqualTo(changed.hash());
  }

  @Test
  void aDirectoryWrittenToAllTheTimeStillReloads() throws Exception {
    // Another file in the config's directory changes every 100 ms, faster than the 1 s debounce
    // ends; polls are an hour apart, so only the watch can bring the change in.
    restartWith("busy", new Reload(3600, 1000));
    String noise = proxy.configVolume().dir().resolve("noise").toString();
    long writes =
        vertx.setPeriodic(
            100, id -> vertx.fileSystem().writeFile(noise, Buffer.buffer(Long.toString(id))));
    try {
      ProxyConfig changed = proxy.config().withPathPrefix("/authentik/");

      proxy.writeConfig(changed);

      await().atMost(RELOADED).until(() -> applied() >= 1);
      assertThat(status().getString("configHash")).isEqualTo(changed.hash());
    } finally {
      vertx.cancelTimer(writes);
    }
  }

  @Test
  void aSetTheRuntimeThrowsOnIsReportedOnceAndTheNextGoodOneApplies() throws Exception {
    // Whatever goes wrong while a checked set is put into service is a failed reload like any
    // other: in /status and the log, not retried silently at every poll.
    proxy.close();
    proxy =
        ProxyFixture.builder(root.resolve("throws"))
            .upstream(upstream)
            .reload(ThrowingTarget::new)
            .start();
    ProxyConfig good = proxy.config();

    proxy.writeConfig(good.withPathPrefix(ThrowingTarget.PREFIX));

    await().atMost(RELOADED).until(() -> failed() == 1);
    assertThat(status().getJsonObject("lastReload").getString("error"))
        .contains("proxy.json: could not be applied")
        .contains("the test's target refuses");
    proxy.writeConfig(good.withPathPrefix("/authentik/"));
    await().atMost(RELOADED).until(() -> applied() == 1);
    assertThat(failed()).isEqualTo(1);
  }

  /** The runtime, except that it throws on a set with {@link #PREFIX}. */
  private record ThrowingTarget(ReloadTarget runtime) implements ReloadTarget {
    static final String PREFIX = "/throws/";

    @Override
    public Future<ReloadReport> apply(LoadedSet next) {
      if (next.config().pathPrefix().equals(PREFIX)) {
        throw new IllegalStateException("the test's target refuses " + PREFIX);
      }
      return runtime.apply(next);
    }

    @Override
    public void rejected(String reason) {
      runtime.rejected(reason);
    }

    @Override
    public Reload reloadSettings() {
      return runtime.reloadSettings();
    }
  }

  @Test
  void reportsThatAListenerPortChangeNeedsARestartAndKeepsServing() {
    Listeners l = proxy.config().listeners();
    proxy.writeConfig(
        proxy
            .config()
            .withListeners(
                new Listeners(
                    l.bindAddress(),
                    new Listeners.Https(l.https().port() + 1),
                    l.http(),
                    l.admin())));
    await().atMost(RELOADED).until(() -> applied() == 1);
    assertThat(status().getBoolean("restartRequired")).isTrue();
    assertThat(AdminProbe.metrics(proxy.adminPort())).contains("akproxy_restart_required 1");
    assertThat(Answer.get(h1, proxy.httpsPort(), "/").status()).isEqualTo(200);
  }

  @Test
  void picksUpFilesThatAppearLaterAndPlainInPlaceRewrites() throws Exception {
    // A CA file in a directory that does not exist yet: rejected, then found by the poll.
    Path caDir = root.resolve("upstream-ca");
    Path ca = caDir.resolve("ca.crt");
    Upstream u = proxy.config().upstream();
    ProxyConfig withCa =
        proxy
            .config()
            .withUpstream(
                new Upstream(
                    u.url(),
                    new Upstream.UpstreamTls(true, ca.toString(), null),
                    u.keepAlive(),
                    u.connectTimeoutSeconds(),
                    u.responseTimeoutSeconds()));
    proxy.writeConfig(withCa);
    await().atMost(RELOADED).until(() -> failed() == 1);
    assertThat(status().getJsonObject("lastReload").getString("error"))
        .isEqualTo(ca + ": no such file");
    Files.createDirectories(caDir);
    Files.writeString(ca, CertificateAuthority.sharedIntermediate().rootPem());
    await().atMost(RELOADED).until(() -> applied() == 1);

    // proxy.json as a plain file rewritten in place, not a kubelet symlink swap.
    Path config = proxy.configVolume().file("proxy.json");
    Files.delete(config);
    Files.writeString(config, withCa.withPathPrefix("/a/").render());
    await().atMost(RELOADED).until(() -> applied() == 2);
    Files.writeString(config, withCa.withPathPrefix("/b/").render());
    await().atMost(RELOADED).until(() -> applied() == 3);
    assertThat(status().getString("configHash")).isEqualTo(withCa.withPathPrefix("/b/").hash());
  }
}
