package io.akproxy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.Shutdown;
import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.H2Wire;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.runtime.support.RequestLoad;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 §3, in-process: after SIGTERM the proxy turns unready at once but keeps accepting and
 * serving for the shutdown delay (load balancers still send it traffic meanwhile); only then does
 * it stop accepting, send HTTP/2 clients GOAWAY and drain.
 */
class ShutdownTest {

  /**
   * Long enough for this test's requests (20 of them on new TLS connections) to finish well within
   * it on a loaded machine; the test waits it out once, for the GOAWAY.
   */
  private static final int DELAY_SECONDS = 10;

  @Test
  void staysInServiceForTheDelayThenSendsGoAwayAndStopsAccepting(@TempDir Path root)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try (AuthentikStub authentik = AuthentikStub.plain();
        ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstreamUrl(authentik.url())
                .config(c -> c.withShutdown(new Shutdown(DELAY_SECONDS, 5)))
                .start();
        H2Wire h2 = H2Wire.connect(proxy.httpsPort())) {
      h2.get(1, "/before");
      h2.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> h2.ended(1));
      RequestLoad newConnections =
          RequestLoad.startWithNewConnections(vertx, proxy.httpsPort(), "/during", 4);

      // Ready before, which also builds the probe's client (its first use can take a second).
      assertThat(AdminProbe.get(proxy.adminPort(), "/readyz").statusCode()).isEqualTo(200);

      Future<Void> stopped = proxy.runtime().shutdown();

      // "At once": well within the delay, with room for a loaded machine.
      await()
          .atMost(Duration.ofSeconds(3))
          .until(() -> AdminProbe.get(proxy.adminPort(), "/readyz").statusCode() == 503);
      long served = newConnections.succeeded();
      await()
          .atMost(Duration.ofSeconds(DELAY_SECONDS))
          .until(() -> newConnections.succeeded() >= served + 20 || newConnections.failed() > 0);
      newConnections.stop();
      await().atMost(Duration.ofSeconds(DELAY_SECONDS)).until(newConnections::idle);
      h2.get(3, "/during");
      h2.flush();
      await().atMost(Duration.ofSeconds(DELAY_SECONDS)).until(() -> h2.ended(3));
      assertThat(proxy.runtime().draining())
          .as(
              "still within the delay after this test's requests (else the machine is too slow"
                  + " for its delay)")
          .isFalse();
      assertThat(newConnections.failures())
          .as("requests on new connections after SIGTERM")
          .isEmpty();
      assertThat(h2.stream(3)).noneMatch(f -> f.type() == H2Wire.RST_STREAM);
      assertThat(h2.frames(H2Wire.GOAWAY)).as("GOAWAY before the drain").isEmpty();
      assertThat(authentik.request("/during")).isNotNull();

      await()
          .atMost(Duration.ofSeconds(DELAY_SECONDS + 5))
          .until(() -> !h2.frames(H2Wire.GOAWAY).isEmpty());
      assertThat(proxy.runtime().draining()).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> refused(proxy.httpsPort()));
      stopped.await(10, TimeUnit.SECONDS);
      newConnections.close();
    } finally {
      vertx.close();
    }
  }

  @Test
  void withoutADelayItStopsAcceptingAtOnce(@TempDir Path root) throws Exception {
    try (AuthentikStub authentik = AuthentikStub.plain();
        ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstreamUrl(authentik.url())
                .config(c -> c.withShutdown(new Shutdown(0, 5)))
                .start()) {
      assertThat(refused(proxy.httpsPort())).isFalse();
      proxy.runtime().shutdown().await(10, TimeUnit.SECONDS);
      assertThat(refused(proxy.httpsPort())).isTrue();
    }
  }

  @Test
  void keepsTheTimingsItStartedWithWhenAReloadChangesThem(@TempDir Path root) throws Exception {
    // The kubelet kills the pod at the grace period it was made with: a delay raised live would
    // outlast it. The reload applies the rest and says a restart is needed for these.
    try (AuthentikStub authentik = AuthentikStub.plain();
        ProxyFixture proxy =
            ProxyFixture.builder(root)
                .upstreamUrl(authentik.url())
                .config(c -> c.withShutdown(new Shutdown(0, 5)))
                .reload()
                .start()) {
      proxy.writeConfig(proxy.config().withShutdown(new Shutdown(300, 5)));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> AdminProbe.status(proxy.adminPort()).getBoolean("restartRequired"));

      proxy.runtime().shutdown().await(10, TimeUnit.SECONDS);

      assertThat(refused(proxy.httpsPort())).as("stopped accepting without a delay").isTrue();
    }
  }

  private static boolean refused(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
