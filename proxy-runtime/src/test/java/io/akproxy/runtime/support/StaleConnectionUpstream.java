package io.akproxy.runtime.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * authentik closing kept-alive connections, deterministically: the testkit stub closes them on a
 * timer or after a count, which races the proxy's next request, so which request meets a closed
 * connection is up to chance. Here it is decided per request by {@link Mode}, over plain HTTP/1.1,
 * one thread per connection. Every request read is recorded with the connection it came on.
 */
public final class StaleConnectionUpstream implements AutoCloseable {

  /** What happens to a request, by its place on its connection and overall. */
  public enum Mode {
    /**
     * A connection's first request is answered; every later one is read, then the connection closes
     * without a byte of answer (authentik closed it while the request was on its way).
     */
    DROP_REUSED,
    /** As {@link #DROP_REUSED}, but the later requests get the head and half the body first. */
    CUT_REUSED,
    /** As {@link #DROP_REUSED}, but the later requests get the first bytes of a head first. */
    PART_OF_A_HEAD_REUSED,
    /** A connection's first request is answered; later ones are read and never answered. */
    HOLD_REUSED,
    /** The very first request is answered; every other, on any connection, is dropped. */
    ANSWER_ONLY_FIRST,
    /** Every request is read and dropped, on new connections too. */
    DROP_ALL
  }

  /** One request as read: its request line and the connection (numbered from 1) it came on. */
  public record Received(String method, String target, int connection, int bodyBytes) {}

  private static final byte[] ANSWER =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
          .getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] HALF_AN_ANSWER =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nhalf"
          .getBytes(StandardCharsets.ISO_8859_1);

  private static final byte[] PART_OF_A_HEAD = "HTTP/1.1 2".getBytes(StandardCharsets.ISO_8859_1);

  private final Mode mode;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();

  public StaleConnectionUpstream(Mode mode) throws IOException {
    this.mode = mode;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The requests read for {@code target}. */
  public List<Received> received(String target) {
    return received.stream().filter(r -> r.target().equals(target)).toList();
  }

  public int connectionsOpened() {
    return connections.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        int id = connections.incrementAndGet();
        threads.execute(() -> serve(socket, id));
      } catch (IOException e) {
        // Closed.
      }
    }
  }

  private void serve(Socket socket, int connection) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      for (int onConnection = 1; ; onConnection++) {
        Received request = read(in, connection);
        if (request == null) {
          return;
        }
        received.add(request);
        int overall = requests.incrementAndGet();
        boolean answer =
            switch (mode) {
              case DROP_REUSED, CUT_REUSED, PART_OF_A_HEAD_REUSED, HOLD_REUSED -> onConnection == 1;
              case ANSWER_ONLY_FIRST -> overall == 1;
              case DROP_ALL -> false;
            };
        if (answer) {
          out.write(ANSWER);
          out.flush();
        } else if (mode == Mode.HOLD_REUSED) {
          held.add(socket);
          in.read();
          return;
        } else {
          if (mode == Mode.CUT_REUSED) {
            out.write(HALF_AN_ANSWER);
            out.flush();
          } else if (mode == Mode.PART_OF_A_HEAD_REUSED) {
            out.write(PART_OF_A_HEAD);
            out.flush();
          }
          return;
        }
      }
    } catch (IOException e) {
      // The proxy went away.
    }
  }

  /** Reads one request (head, then a Content-Length or chunked body), or null at end of stream. */
  private static Received read(InputStream in, int connection) throws IOException {
    String head = readHead(in);
    if (head == null) {
      return null;
    }
    String[] lines = head.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    long length = 0;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].toLowerCase(Locale.ROOT);
      if (line.startsWith("content-length:")) {
        length = Long.parseLong(line.substring("content-length:".length()).trim());
      } else if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
        chunked = true;
      }
    }
    int body = 0;
    if (chunked) {
      for (long size; (size = Long.parseLong(readLine(in).split(";")[0].trim(), 16)) > 0; ) {
        body += (int) in.readNBytes((int) size).length;
        readLine(in);
      }
      readLine(in);
    } else {
      body = in.readNBytes((int) length).length;
    }
    return new Received(requestLine[0], requestLine[1], connection, body);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : held) {
      socket.close();
    }
    threads.shutdownNow();
  }
}
