package io.akproxy.testkit.authentik;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A test client speaking HTTP/1.1 over one socket, byte for byte. */
final class Wire implements Closeable {

  record Response(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  final Socket socket;
  final InputStream in;
  final OutputStream out;

  Wire(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    this.in = new java.io.BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static Wire connect(InetSocketAddress address) throws IOException {
    return new Wire(new Socket(address.getAddress(), address.getPort()));
  }

  Wire send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  Response get(String target) throws IOException {
    return send("GET " + target + " HTTP/1.1\r\nHost: sso.example.com\r\n\r\n").read();
  }

  Response read() throws IOException {
    String status = line();
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while (!(line = line()).isEmpty()) {
      int colon = line.indexOf(':');
      headers.merge(
          line.substring(0, colon).toLowerCase(Locale.ROOT),
          line.substring(colon + 1).strip(),
          (a, b) -> a + ", " + b);
    }
    byte[] body;
    if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream chunks = new ByteArrayOutputStream();
      int size;
      while ((size = Integer.parseInt(line(), 16)) > 0) {
        chunks.write(in.readNBytes(size));
        line();
      }
      line();
      body = chunks.toByteArray();
    } else {
      body = new byte[0];
    }
    return new Response(Integer.parseInt(status.split(" ")[1]), headers, body);
  }

  /** The stub closed the connection: the next read sees the end of the stream. */
  boolean closedByPeer() throws IOException {
    return in.read() < 0;
  }

  String line() throws IOException {
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

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
