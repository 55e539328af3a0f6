package io.akproxy.e2e;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * Stands in for authentik on HTTPS: every request is answered {@code 200} with a JSON echo of the
 * method, path and headers it received (so the demo and the tests can show what the proxy
 * forwarded), and {@code /ws/...} upgrades become a WebSocket echo. JDK only: this module's
 * classpath carries the mock API server's Vert.x 4, which must not meet the runtime's Vert.x 5.
 */
public final class FakeAuthentik implements Closeable {

  private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** One request as authentik received it; header names lower-cased, in arrival order. */
  public record Received(String method, String target, Map<String, List<String>> headers) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : String.join(", ", values);
    }
  }

  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "fake-authentik");
            thread.setDaemon(true);
            return thread;
          });
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private FakeAuthentik(ServerSocket server) {
    this.server = server;
  }

  /** Listens on loopback, on a free port, presenting {@code tls}. */
  public static FakeAuthentik start(SSLContext tls) throws IOException {
    ServerSocket socket = tls.getServerSocketFactory().createServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    FakeAuthentik fake = new FakeAuthentik(socket);
    fake.threads.execute(fake::acceptLoop);
    return fake;
  }

  public int port() {
    return server.getLocalPort();
  }

  public String url() {
    return "https://127.0.0.1:" + port();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public Received lastReceived() {
    return received.isEmpty() ? null : received.get(received.size() - 1);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket socket : open) {
      socket.close();
    }
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        open.add(socket);
        threads.execute(() -> serve(socket));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("fake authentik: accept failed: " + e.getMessage());
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        List<String> head = readHead(in);
        if (head == null) {
          return;
        }
        String[] requestLine = head.get(0).split(" ", 3);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : head.subList(1, head.size())) {
          int colon = line.indexOf(':');
          headers
              .computeIfAbsent(
                  line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
              .add(line.substring(colon + 1).trim());
        }
        Received request = new Received(requestLine[0], requestLine[1], headers);
        received.add(request);
        String upgrade = request.header("upgrade");
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
          upgradeAndEcho(request, in, out);
          return;
        }
        readBody(request, in);
        byte[] body = echo(request).getBytes(StandardCharsets.UTF_8);
        String connection = request.header("connection");
        boolean close = connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length
                    + "\r\n"
                    + (close ? "Connection: close\r\n" : "")
                    + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        if (close) {
          return;
        }
      }
    } catch (IOException e) {
      // The peer went away; nothing to answer.
    } finally {
      open.remove(socket);
    }
  }

  private static String echo(Received request) {
    StringBuilder json = new StringBuilder("{\"method\":");
    quote(json, request.method()).append(",\"path\":");
    quote(json, request.target()).append(",\"headers\":{");
    boolean first = true;
    for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      quote(json, header.getKey()).append(':');
      quote(json, String.join(", ", header.getValue()));
    }
    return json.append("}}").toString();
  }

  private static StringBuilder quote(StringBuilder json, String value) {
    json.append('"');
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"');
  }

  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
        if (text.isEmpty()) {
          return lines.isEmpty() ? null : lines;
        }
        lines.add(text);
        line.reset();
        previous = -1;
        continue;
      }
      line.write(b);
      previous = b;
    }
  }

  private static void readBody(Received request, InputStream in) throws IOException {
    String length = request.header("content-length");
    if (length != null) {
      in.readNBytes(Integer.parseInt(length.trim()));
      return;
    }
    String coding = request.header("transfer-encoding");
    if (coding != null && coding.toLowerCase(Locale.ROOT).contains("chunked")) {
      while (true) {
        List<String> sizeLine = readLine(in);
        int size = Integer.parseInt(sizeLine.get(0).split(";")[0].trim(), 16);
        in.readNBytes(size + 2);
        if (size == 0) {
          return;
        }
      }
    }
  }

  private static List<String> readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return List.of(line.toString(StandardCharsets.ISO_8859_1));
  }

  private static void upgradeAndEcho(Received request, InputStream in, OutputStream out)
      throws IOException {
    String accept = websocketAccept(request.header("sec-websocket-key"));
    out.write(
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + accept
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    DataInputStream frames = new DataInputStream(in);
    while (true) {
      int first = frames.read();
      if (first < 0) {
        return;
      }
      int second = frames.readUnsignedByte();
      int opcode = first & 0x0f;
      long length = second & 0x7f;
      if (length == 126) {
        length = frames.readUnsignedShort();
      } else if (length == 127) {
        length = frames.readLong();
      }
      byte[] mask = (second & 0x80) != 0 ? frames.readNBytes(4) : null;
      byte[] payload = frames.readNBytes((int) length);
      if (mask != null) {
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i % 4];
        }
      }
      int replyOpcode = opcode == 0x9 ? 0xA : opcode;
      writeFrame(out, (first & 0x80) | replyOpcode, payload);
      if (opcode == 0x8) {
        return;
      }
    }
  }

  private static void writeFrame(OutputStream out, int firstByte, byte[] payload)
      throws IOException {
    out.write(firstByte);
    if (payload.length < 126) {
      out.write(payload.length);
    } else if (payload.length < 65536) {
      out.write(126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    } else {
      out.write(127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    out.write(payload);
    out.flush();
  }

  private static String websocketAccept(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
