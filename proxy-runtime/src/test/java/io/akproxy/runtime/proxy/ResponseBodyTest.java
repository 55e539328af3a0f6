package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.runtime.support.Clients;
import io.akproxy.runtime.support.H2Wire;
import io.akproxy.runtime.support.ProxyFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 §1: authentik's answer broken off mid-body is broken off for the client too. A chunked
 * answer (no length to check against) that the proxy ended cleanly would pass half a body for a
 * whole one.
 */
class ResponseBodyTest {

  private static final String HALF_AN_ANSWER =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n";

  @Test
  void http2GetsAStreamResetNotAnEnd(@TempDir Path root) throws Exception {
    try (CutOff authentik = new CutOff();
        ProxyFixture proxy = ProxyFixture.builder(root).upstreamUrl(authentik.url()).start();
        H2Wire client = H2Wire.connect(proxy.httpsPort())) {
      client.get(1, "/");
      client.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> client.ended(1));
      assertThat(client.stream(1))
          .as("the stream's frames")
          .anyMatch(f -> f.type() == H2Wire.RST_STREAM)
          .noneMatch(f -> (f.flags() & H2Wire.FLAG_END_STREAM) != 0);
    }
  }

  @Test
  void http11GetsItsConnectionClosedWithoutTheLastChunk(@TempDir Path root) throws Exception {
    try (CutOff authentik = new CutOff();
        ProxyFixture proxy = ProxyFixture.builder(root).upstreamUrl(authentik.url()).start();
        Socket socket = Clients.tls(proxy.httpsPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: " + ProxyFixture.SERVER_NAME + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      StringBuilder answer = new StringBuilder();
      boolean closed = false;
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
          answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        closed = true;
      } catch (SocketTimeoutException quiet) {
        // Still open: the proxy neither ended nor broke off the response.
      } catch (IOException reset) {
        closed = true;
      }
      assertThat(answer.toString()).startsWith("HTTP/1.1 200").contains("hello");
      assertThat(answer.toString()).as("the terminating chunk").doesNotContain("\r\n0\r\n\r\n");
      assertThat(closed).as("closed by the proxy").isTrue();
    }
  }

  /** Answers every connection's first request with half a chunked body, then resets it. */
  private static final class CutOff implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;

    CutOff() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(this::serve, "cut-off-upstream");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          InputStream in = socket.getInputStream();
          // The request head ends with an empty line.
          int matched = 0;
          while (matched < 4) {
            int b = in.read();
            if (b < 0) {
              break;
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
          }
          OutputStream out = socket.getOutputStream();
          out.write(HALF_AN_ANSWER.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          socket.setSoLinger(true, 0);
        } catch (IOException e) {
          // Closed by close(), or the proxy went away: nothing to answer.
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
