package io.akproxy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.ConfigParser;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Upstream;
import io.akproxy.runtime.load.FileRoot;
import io.akproxy.runtime.load.FileSetReader;
import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.Answer;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.pki.CertificateAuthority;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line overrides serve a pod's own {@code proxy.json} (paths under {@code
 * /etc/akproxy}, the cluster's upstream name) outside its container, and hide nothing.
 */
class OverridesTest {

  private static final String POD_CA_FILE = "/etc/akproxy/upstream-ca/ca.crt";

  private static Vertx vertx;
  private static HttpClient h2;

  @BeforeAll
  static void clients() {
    vertx = Vertx.vertx();
    h2 = Clients.http(vertx, HttpVersion.HTTP_2);
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  /** A loopback address of its own, as each simulated pod gets one. */
  static String podAddress() {
    return "127.0."
        + ThreadLocalRandom.current().nextInt(1, 255)
        + "."
        + ThreadLocalRandom.current().nextInt(2, 255);
  }

  @Test
  void servesThePodsPathsUnderTheRootOnItsOwnAddressAndResolvesTheUpstreamName(@TempDir Path root)
      throws Exception {
    Files.createDirectories(root.resolve("etc/akproxy/upstream-ca"));
    Files.writeString(
        root.resolve("etc/akproxy/upstream-ca/ca.crt"),
        CertificateAuthority.sharedIntermediate().rootPem());
    String address = podAddress();
    try (AuthentikStub upstream = ProxyFixture.httpsUpstream()) {
      // The cluster's name and port; only --resolve knows where the stub really listens.
      Overrides.Authority named = new Overrides.Authority(ProxyFixture.UPSTREAM_HOST, 9443);
      Overrides.Authority stub = new Overrides.Authority("127.0.0.1", upstream.port());
      try (ProxyFixture proxy =
          ProxyFixture.builder(root)
              .outsideThePod(address, Map.of(named, stub))
              .upstreamUrl("https://" + named)
              .config(c -> c.withUpstream(verifiedWith(c.upstream(), POD_CA_FILE)))
              .reload()
              .start()) {
        assertThat(proxy.config().tls().certFile()).isEqualTo("/etc/akproxy/tls/tls.crt");

        Answer answer =
            Answer.send(
                h2,
                Answer.request(HttpMethod.GET, proxy.httpsPort(), "/")
                    .setServer(SocketAddress.inetSocketAddress(proxy.httpsPort(), address)),
                null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("\"method\":\"GET\",\"path\":\"/\"");
        // Verified against the CA under the root, with the configuration's name as SNI.
        assertThat(upstream.last().serverName()).isEqualTo(ProxyFixture.UPSTREAM_HOST);
        assertThatThrownBy(() -> new Socket("127.0.0.1", proxy.httpsPort()).close())
            .as("nothing listens on the configuration's own bind address")
            .isInstanceOf(ConnectException.class);

        JsonObject status = AdminProbe.status(address, proxy.adminPort());
        String written = Files.readString(proxy.configVolume().file("proxy.json"));
        assertThat(status.getString("configHash")).isEqualTo(ConfigParser.parse(written).hash());
        assertThat(status.getJsonObject("overrides"))
            .isEqualTo(
                new JsonObject()
                    .put("root", root.toAbsolutePath().normalize().toString())
                    .put("bindAddress", address)
                    .put(
                        "resolve",
                        new JsonObject().put(named.toString(), "127.0.0.1:" + upstream.port())));

        // A reload reads the new set under the root too.
        proxy.writeConfig(proxy.config().withServerNames(List.of("auth.example.com")));
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> reloadsApplied(address, proxy.adminPort()) == 1);
      }
    }
  }

  @Test
  void aMissingFileUnderTheRootNamesBothPaths(@TempDir Path root) throws IOException {
    Path config = root.resolve("proxy.json");
    Files.writeString(config, ProxyConfig.defaults(List.of("sso.example.com")).render());

    var files = FileSetReader.read(config, FileRoot.under(root));

    assertThat(files.unreadable())
        .containsEntry(
            "/etc/akproxy/tls/tls.crt",
            "no such file (read as " + root.resolve("etc/akproxy/tls/tls.crt") + ")");
  }

  @Test
  void theRootPrefixesEveryAbsolutePath(@TempDir Path root) {
    assertThat(FileRoot.under(root).local("/etc/akproxy/tls/tls.key"))
        .isEqualTo(root.resolve("etc/akproxy/tls/tls.key"));
    assertThat(FileRoot.AS_WRITTEN.local("/etc/akproxy/tls/tls.key"))
        .isEqualTo(Path.of("/etc/akproxy/tls/tls.key"));
  }

  private static long reloadsApplied(String address, int port) {
    return AdminProbe.status(address, port).getJsonObject("reloads").getLong("applied");
  }

  private static Upstream verifiedWith(Upstream u, String caFile) {
    return new Upstream(
        u.url(),
        new Upstream.UpstreamTls(true, caFile, null),
        u.keepAlive(),
        u.connectTimeoutSeconds(),
        u.responseTimeoutSeconds());
  }
}
