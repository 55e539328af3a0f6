package io.akproxy.runtime.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.PodFiles;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.runtime.RuntimeProcess;
import io.akproxy.testkit.time.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 §3: WebSocket backpressure as shipped (the jar with the image's JVM flags: a 64 MiB heap
 * and 64 MiB of direct memory). authentik floods {@value #TUNNELS} tunnels whose clients never
 * read; both ends ask the kernel for small socket buffers, so what authentik manages to write
 * before it blocks is, beyond a few small kernel buffers, what the proxy holds. Each tunnel must
 * pause authentik instead of buffering: the bytes held stay bounded, the runtime stays up without
 * running out of memory, and it still serves a new request.
 */
class WebSocketBackpressureIT {

  private static final int TUNNELS = 48;
  private static final int SOCKET_BUFFER = 16 * 1024;

  /**
   * Per tunnel: the proxy's own kernel buffers (which it does not size) and one flood frame in
   * flight at each hop fit far below this; a tunnel without backpressure passes it in a moment.
   */
  private static final long HELD_PER_TUNNEL_CEILING = 256L * 1024 * 1024;

  @TempDir static Path root;
  private static AuthentikStub authentik;
  private static RuntimeProcess proxy;

  @BeforeAll
  static void start() {
    authentik = AuthentikStub.builder().socketBuffers(SOCKET_BUFFER).start();
    proxy =
        PodFiles.startRuntime(root, ProxyFixture.builder(root).upstream(authentik).baseConfig());
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    authentik.close();
  }

  @Test
  void floodedTunnelsHoldLittleAndTheRuntimeKeepsServing() throws Exception {
    int https = proxy.listening().https();
    List<SSLSocket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < TUNNELS; i++) {
        clients.add(openFloodedTunnel(https));
      }
      Await.until(
          "every tunnel open at authentik",
          Duration.ofSeconds(30),
          () -> authentik.webSockets() == TUNNELS);

      // Capped at the ceiling: floods that nothing holds back fail at once.
      long ceiling = TUNNELS * HELD_PER_TUNNEL_CEILING;
      long held =
          Await.untilStable(
              "authentik's floods held back",
              Duration.ofSeconds(1),
              Duration.ofSeconds(120),
              () -> Math.min(authentik.floodBytes(), ceiling),
              bytes -> bytes > 0);
      System.out.printf(
          "WebSocketBackpressureIT: %d flooded tunnels, %d KiB written by authentik before it"
              + " blocked (%d KiB a tunnel)%n",
          TUNNELS, held / 1024, held / 1024 / TUNNELS);

      assertThat(held).isLessThan(ceiling);
      assertThat(proxy.isAlive()).as("the runtime is up").isTrue();
      assertThat(proxy.logText()).doesNotContain("OutOfMemoryError");
      assertThat(AdminProbe.metric(proxy.listening().admin(), "akproxy_websocket_sessions"))
          .isEqualTo(TUNNELS);
      HttpResponse<String> fresh =
          Clients.jdk()
              .send(
                  HttpRequest.newBuilder(URI.create("https://localhost:" + https + "/fresh"))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(fresh.statusCode()).isEqualTo(200);
      assertThat(authentik.request("/fresh").method()).isEqualTo("GET");
    } finally {
      for (SSLSocket client : clients) {
        client.close();
      }
    }
    Await.until(
        "the tunnels closed with their clients",
        Duration.ofSeconds(30),
        () -> AdminProbe.metric(proxy.listening().admin(), "akproxy_websocket_sessions") == 0);
  }

  /**
   * A TLS client with a small receive buffer that upgrades to authentik's flood, then never reads.
   */
  private static SSLSocket openFloodedTunnel(int port) throws IOException {
    SSLSocket socket = (SSLSocket) Clients.trustContext().getSocketFactory().createSocket();
    socket.setReceiveBufferSize(SOCKET_BUFFER);
    socket.setSendBufferSize(SOCKET_BUFFER);
    socket.connect(new InetSocketAddress("localhost", port), 10_000);
    socket.setSoTimeout(30_000);
    socket
        .getOutputStream()
        .write(
            ("GET /ws/flood/ HTTP/1.1\r\nHost: localhost:"
                    + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    assertThat(head(socket.getInputStream())).startsWith("HTTP/1.1 101 ");
    return socket;
  }

  /** The response head, read byte by byte: the flood behind it stays unread. */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        break;
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}
