package io.akproxy.runtime.support;

import io.akproxy.testkit.pki.CertificateAuthority;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Real clients that trust the test hierarchy's root. */
public final class Clients {

  private Clients() {}

  /** One JDK context for every client: building one costs more than a handshake. */
  private static final SSLContext TRUST_CONTEXT =
      CertificateAuthority.sharedIntermediate().trustContext();

  /** Vert.x trust in the test hierarchy's root (the proxy's certificates chain up to it). */
  public static PemTrustOptions trust() {
    return new PemTrustOptions()
        .addCertValue(Buffer.buffer(CertificateAuthority.sharedIntermediate().rootPem()));
  }

  /** A JDK context trusting the test hierarchy's root. */
  public static SSLContext trustContext() {
    return TRUST_CONTEXT;
  }

  /** A Vert.x client speaking {@code version} (HTTP/2 through ALPN) to localhost. */
  public static HttpClient http(Vertx vertx, HttpVersion version) {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setSsl(true)
            .setTrustOptions(trust())
            .setUseAlpn(version == HttpVersion.HTTP_2)
            .setProtocolVersion(version)
            .setDefaultHost("localhost"));
  }

  /** A Vert.x client for a plain-HTTP listener. */
  public static HttpClient plainHttp(Vertx vertx) {
    return vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost"));
  }

  public static WebSocketClient webSocket(Vertx vertx) {
    return vertx.createWebSocketClient(
        new WebSocketClientOptions()
            .setSsl(true)
            .setTrustOptions(trust())
            .setDefaultHost("localhost"));
  }

  /** A WebSocket through {@code client} to {@code uri} on localhost's {@code port}, open. */
  public static WebSocket connect(WebSocketClient client, int port, String uri) {
    try {
      return client
          .connect(new WebSocketConnectOptions().setHost("localhost").setPort(port).setURI(uri))
          .await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no WebSocket to " + uri + " on port " + port, e);
    }
  }

  /** The JDK's client, negotiating HTTP/2 through ALPN. */
  public static java.net.http.HttpClient jdk() {
    return java.net.http.HttpClient.newBuilder()
        .sslContext(TRUST_CONTEXT)
        .version(java.net.http.HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** A TLS socket to localhost, handshake done, offering only {@code protocols}. */
  public static SSLSocket tls(int port, List<String> protocols, List<String> alpn) {
    try {
      SSLSocket socket =
          (SSLSocket) TRUST_CONTEXT.getSocketFactory().createSocket("localhost", port);
      socket.setSoTimeout(5000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setProtocols(protocols.toArray(String[]::new));
      if (!alpn.isEmpty()) {
        parameters.setApplicationProtocols(alpn.toArray(String[]::new));
      }
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SSLSocket tls(int port) {
    return tls(port, List.of("TLSv1.3"), List.of());
  }

  /** Writes a raw request and reads everything until the server closes or goes quiet. */
  public static String exchange(Socket socket, String request) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return readAll(socket);
  }

  public static String readAll(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder text = new StringBuilder();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (java.net.SocketTimeoutException e) {
      // The server kept the connection open; what arrived is the answer.
    }
    return text.toString();
  }
}
