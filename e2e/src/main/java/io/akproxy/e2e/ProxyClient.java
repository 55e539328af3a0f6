package io.akproxy.e2e;

import io.akproxy.testkit.pki.TlsContexts;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A client that talks to the proxy the way a browser reaching {@code https://<host>/} would, while
 * connecting to a pod's address: SNI and {@code Host} carry the host name, and the served
 * certificate is verified against the trusted ones, host name included. Each call opens a new TLS
 * connection, so it sees the certificate the proxy serves now.
 */
public final class ProxyClient {

  /**
   * A response, with the serial of the certificate the connection was served and the address this
   * client connected from (what the proxy sees as the peer).
   */
  public record Response(
      int status,
      Map<String, String> headers,
      String body,
      String certificateSerial,
      String clientAddress) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final String host;
  private final InetSocketAddress address;
  private final SSLContext tls;

  /**
   * @param host the name the browser asked for
   * @param address where the proxy listens (a pod's address and HTTPS port)
   * @param trusted the certificates the browser trusts
   */
  public ProxyClient(String host, InetSocketAddress address, List<X509Certificate> trusted) {
    this.host = host;
    this.address = address;
    this.tls = TlsContexts.trusting(trusted);
  }

  /** {@code GET path} with extra request headers; {@code Connection: close}. */
  public Response get(String path, Map<String, String> headers) throws IOException {
    try (SSLSocket socket = connect()) {
      StringBuilder request =
          new StringBuilder("GET ")
              .append(path)
              .append(" HTTP/1.1\r\nHost: ")
              .append(host)
              .append("\r\n");
      headers.forEach(
          (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      request.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return readResponse(socket);
    }
  }

  /** Opens a WebSocket at {@code path}, sends one text message and returns the echo. */
  public String websocketEcho(String path, String message) throws IOException {
    try (SSLSocket socket = connect()) {
      String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(16));
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nUpgrade: websocket\r\n"
                  + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                  + key
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = readLine(in);
      if (!statusLine.startsWith("HTTP/1.1 101")) {
        throw new IOException("WebSocket upgrade refused: " + statusLine);
      }
      while (!readLine(in).isEmpty()) {
        // skip the upgrade response's headers
      }
      byte[] payload = message.getBytes(StandardCharsets.UTF_8);
      byte[] mask = new SecureRandom().generateSeed(4);
      out.write(0x81);
      out.write(0x80 | payload.length);
      out.write(mask);
      for (int i = 0; i < payload.length; i++) {
        out.write(payload[i] ^ mask[i % 4]);
      }
      out.flush();
      DataInputStream frames = new DataInputStream(in);
      frames.readUnsignedByte();
      int length = frames.readUnsignedByte() & 0x7f;
      return new String(frames.readNBytes(length), StandardCharsets.UTF_8);
    }
  }

  private SSLSocket connect() throws IOException {
    SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(address.getAddress(), address.getPort());
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(host)));
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  private static Response readResponse(SSLSocket socket) throws IOException {
    InputStream in = socket.getInputStream();
    String statusLine = readLine(in);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while (!(line = readLine(in)).isEmpty()) {
      int colon = line.indexOf(':');
      headers.merge(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim(),
          (a, b) -> a + ", " + b);
    }
    byte[] body;
    if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream chunks = new ByteArrayOutputStream();
      int size;
      while ((size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16)) > 0) {
        chunks.write(in.readNBytes(size));
        readLine(in);
      }
      body = chunks.toByteArray();
    } else {
      body = in.readAllBytes();
    }
    X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
    return new Response(
        status,
        headers,
        new String(body, StandardCharsets.UTF_8),
        serialHex(served.getSerialNumber()),
        socket.getLocalAddress().getHostAddress());
  }

  private static String serialHex(BigInteger serial) {
    return serial.toString(16);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    if (b < 0 && line.size() == 0) {
      throw new IOException("connection closed");
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
