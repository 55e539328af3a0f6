package io.akproxy.testkit.authentik;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** One HTTP/1.1 connection to the stub: requests read, recorded and answered in a loop. */
final class HttpConnection {

  private static final int MAX_LINE = 64 * 1024;
  private static final int MAX_HEADERS = 500;
  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(60);
  private static final String STUB = "/_stub/";

  private final AuthentikStub stub;
  private final Socket socket;
  private final SSLContext tls;
  private final int id;
  private Socket io;
  private Input in;
  private OutputStream out;
  private String serverName;

  HttpConnection(AuthentikStub stub, Socket socket, SSLContext tls, int id) {
    this.stub = stub;
    this.socket = socket;
    this.tls = tls;
    this.id = id;
  }

  void run() throws IOException {
    io = tls == null ? socket : handshake(socket, tls);
    if (io instanceof SSLSocket ssl && ssl.getSession() instanceof ExtendedSSLSession session) {
      for (SNIServerName name : session.getRequestedServerNames()) {
        if (name instanceof SNIHostName host) {
          serverName = host.getAsciiName();
        }
      }
    }
    in = new Input(io.getInputStream(), stub.bytesReceived);
    out = new BufferedOutputStream(io.getOutputStream(), 16 * 1024);
    int onConnection = 0;
    while (!stub.isClosed()) {
      if (!in.hasBuffered()) {
        Duration idle = stub.currentBehaviour().idleTimeout();
        io.setSoTimeout(idle == null ? 0 : (int) Math.max(1, idle.toMillis()));
      }
      String requestLine;
      try {
        requestLine = in.readLine(MAX_LINE);
      } catch (SocketTimeoutException e) {
        stub.idleCloses.incrementAndGet();
        return;
      }
      if (requestLine == null) {
        return;
      }
      if (requestLine.isEmpty()) {
        continue; // RFC 9112 §2.2: a server ignores empty lines before a request line
      }
      io.setSoTimeout((int) HEAD_TIMEOUT.toMillis());
      String[] parts = requestLine.split(" ", -1);
      List<Map.Entry<String, String>> headers = readHeaders();
      if (parts.length != 3 || headers == null) {
        writeSimple(400, "bad request line or header", true);
        return;
      }
      onConnection++;
      Received head =
          new Received(id, onConnection, parts[0], parts[1], parts[2], headers, new byte[0], null);
      if ("100-continue".equalsIgnoreCase(head.header("expect"))) {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      byte[] body = readBody(head);
      Received request =
          new Received(id, onConnection, parts[0], parts[1], parts[2], headers, body, serverName);
      stub.record(request);
      if (request.path().contains("/ws/")
          && "websocket".equalsIgnoreCase(request.header("upgrade"))) {
        new WebSocketSession(stub, socket, io, in, out, request).run();
        return;
      }
      if (!respond(request, stub.currentBehaviour())) {
        return;
      }
    }
  }

  /** TLS over an accepted connection, as a server: TLS 1.3 or 1.2, ALPN http/1.1. */
  static SSLSocket handshake(Socket socket, SSLContext tls) throws IOException {
    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, true);
    ssl.setUseClientMode(false);
    SSLParameters parameters = ssl.getSSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    parameters.setApplicationProtocols(new String[] {"http/1.1"});
    ssl.setSSLParameters(parameters);
    ssl.setSoTimeout((int) HEAD_TIMEOUT.toMillis());
    ssl.startHandshake();
    return ssl;
  }

  /** The header lines up to the empty line; null if one is malformed. */
  private List<Map.Entry<String, String>> readHeaders() throws IOException {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    boolean malformed = false;
    while (true) {
      String line = in.readLine(MAX_LINE);
      if (line == null) {
        throw new IOException("the connection ended inside a head");
      }
      if (line.isEmpty()) {
        return malformed ? null : headers;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || headers.size() >= MAX_HEADERS) {
        malformed = true;
        continue;
      }
      headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
    }
  }

  private byte[] readBody(Received head) throws IOException {
    String coding = head.header("transfer-encoding");
    if (coding != null && coding.toLowerCase(Locale.ROOT).contains("chunked")) {
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      while (true) {
        String sizeLine = in.readLine(MAX_LINE);
        if (sizeLine == null) {
          throw new IOException("the connection ended inside a chunked body");
        }
        int size = Integer.parseInt(sizeLine.split(";", 2)[0].strip(), 16);
        if (size == 0) {
          while (true) {
            String trailer = in.readLine(MAX_LINE);
            if (trailer == null || trailer.isEmpty()) {
              return body.toByteArray();
            }
          }
        }
        body.write(in.readExactly(size));
        in.readLine(MAX_LINE);
      }
    }
    String length = head.header("content-length");
    if (length != null) {
      return in.readExactly(Long.parseLong(length.split(",")[0].strip()));
    }
    return new byte[0];
  }

  /**
   * Answers {@code request}.
   *
   * @return whether the connection stays open
   */
  private boolean respond(Received request, Behaviour behaviour) throws IOException {
    long number = stub.responses.incrementAndGet();
    String command = command(request.path());
    sleep(behaviour.responseDelay());
    if (command.equals("slow")) {
      sleep(Duration.ofMillis(Long.parseLong(query(request.target(), "ms", "1000"))));
    } else if (command.equals("gate")) {
      stub.passGate();
    }
    boolean head = request.method().equals("HEAD");
    boolean close =
        command.equals("close")
            || !request.version().equals("HTTP/1.1")
            || tokens(request.header("connection")).contains("close")
            || (behaviour.connectionCloseEvery() > 0
                && number % behaviour.connectionCloseEvery() == 0);
    boolean silentClose =
        behaviour.closeAfterRequests() > 0
            && request.onConnection() >= behaviour.closeAfterRequests();
    boolean reset =
        command.equals("reset")
            || (behaviour.resetMidBodyEvery() > 0 && number % behaviour.resetMidBodyEvery() == 0);

    int status = 200;
    String contentType = "application/json";
    byte[] body = EchoJson.of(request).getBytes(StandardCharsets.UTF_8);
    List<String> extra = new ArrayList<>();
    boolean chunked = false;
    switch (command) {
      case "body" -> {
        contentType = "application/octet-stream";
        body = request.body();
      }
      case "hop" -> {
        extra.add("Connection: keep-alive, x-drop-me");
        extra.add("Keep-Alive: timeout=5");
        extra.add("X-Drop-Me: hop-by-hop by Connection");
        extra.add("Strict-Transport-Security: max-age=1");
        contentType = "text/plain";
        body = "hop".getBytes(StandardCharsets.US_ASCII);
      }
      case "chunked" -> chunked = true;
      case "big" -> {
        long bytes = Long.parseLong(query(request.target(), "bytes", "1048576"));
        writeBig(bytes, close, head);
        return !close && !silentClose;
      }
      default -> {
        if (command.startsWith("status/")) {
          status = Integer.parseInt(command.substring("status/".length()));
          if (status == 204 || status == 304 || status < 200) {
            body = new byte[0];
          }
        }
      }
    }
    StringBuilder headText =
        new StringBuilder("HTTP/1.1 ")
            .append(status)
            .append(' ')
            .append(reason(status))
            .append("\r\nContent-Type: ")
            .append(contentType)
            .append("\r\nX-Upstream: authentik-stub\r\n");
    if (status != 204 && status != 304 && status >= 200) {
      if (chunked) {
        headText.append("Transfer-Encoding: chunked\r\n");
      } else {
        headText.append("Content-Length: ").append(body.length).append("\r\n");
      }
    }
    extra.forEach(h -> headText.append(h).append("\r\n"));
    if (close) {
      headText.append("Connection: close\r\n");
    }
    headText.append("\r\n");
    byte[] headBytes = headText.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (reset) {
      write(headBytes, behaviour);
      write(java.util.Arrays.copyOf(body, Math.max(1, body.length / 2)), behaviour);
      out.flush();
      AuthentikStub.reset(socket);
      return false;
    }
    write(headBytes, behaviour);
    if (!head) {
      if (chunked && body.length > 0) {
        int half = body.length / 2;
        writeChunk(java.util.Arrays.copyOfRange(body, 0, half), behaviour);
        writeChunk(java.util.Arrays.copyOfRange(body, half, body.length), behaviour);
        write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), behaviour);
      } else if (chunked) {
        write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), behaviour);
      } else {
        write(body, behaviour);
      }
    }
    out.flush();
    return !close && !silentClose;
  }

  private void writeChunk(byte[] chunk, Behaviour behaviour) throws IOException {
    if (chunk.length == 0) {
      return;
    }
    write(
        (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII),
        behaviour);
    write(chunk, behaviour);
    write("\r\n".getBytes(StandardCharsets.US_ASCII), behaviour);
  }

  /** {@code bytes} of body in 64 KiB writes, each counted once the socket took it. */
  private void writeBig(long bytes, boolean close, boolean head) throws IOException {
    out.write(
        ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + bytes
                + "\r\nX-Upstream: authentik-stub\r\n"
                + (close ? "Connection: close\r\n" : "")
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    if (head) {
      return;
    }
    byte[] chunk = new byte[64 * 1024];
    long left = bytes;
    while (left > 0) {
      int n = (int) Math.min(chunk.length, left);
      io.getOutputStream().write(chunk, 0, n);
      stub.bigWritten.addAndGet(n);
      left -= n;
    }
    io.getOutputStream().flush();
  }

  /** Writes {@code bytes}, trickled in pieces with pauses when the behaviour says so. */
  private void write(byte[] bytes, Behaviour behaviour) throws IOException {
    int piece = behaviour.trickleBytes();
    if (piece <= 0) {
      out.write(bytes);
      return;
    }
    for (int offset = 0; offset < bytes.length; offset += piece) {
      out.write(bytes, offset, Math.min(piece, bytes.length - offset));
      out.flush();
      sleep(behaviour.tricklePause());
    }
  }

  private void writeSimple(int status, String message, boolean close) throws IOException {
    byte[] body = message.getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 "
                + status
                + " "
                + reason(status)
                + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length
                + (close ? "\r\nConnection: close" : "")
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  /** What follows {@code /_stub/} in the path, or "" for a plain echo. */
  private static String command(String path) {
    int at = path.indexOf(STUB);
    return at < 0 ? "" : path.substring(at + STUB.length());
  }

  private static String query(String target, String name, String fallback) {
    int q = target.indexOf('?');
    if (q < 0) {
      return fallback;
    }
    for (String pair : target.substring(q + 1).split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return fallback;
  }

  private static List<String> tokens(String header) {
    if (header == null) {
      return List.of();
    }
    List<String> tokens = new ArrayList<>();
    for (String token : header.split(",")) {
      tokens.add(token.strip().toLowerCase(Locale.ROOT));
    }
    return tokens;
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  /** The stub's own pacing (a slow authentik), not a test waiting for something. */
  static void sleep(Duration duration) {
    if (duration == null || duration.isZero() || duration.isNegative()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
