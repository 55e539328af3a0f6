package io.akproxy.testkit.authentik;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;

/** One WebSocket at the stub, after its upgrade request: echo, flood, sink or big. */
final class WebSocketSession {

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int OPCODE_CLOSE = 0x8;
  private static final int OPCODE_PING = 0x9;
  private static final int OPCODE_PONG = 0xA;

  private final AuthentikStub stub;
  private final Socket socket;
  private final Socket io;
  private final Input in;
  private final OutputStream out;
  private final Received upgrade;
  private final CountDownLatch drained = new CountDownLatch(1);

  WebSocketSession(
      AuthentikStub stub, Socket socket, Socket io, Input in, OutputStream out, Received upgrade) {
    this.stub = stub;
    this.socket = socket;
    this.io = io;
    this.in = in;
    this.out = out;
    this.upgrade = upgrade;
  }

  void run() throws IOException {
    String key = upgrade.header("sec-websocket-key");
    if (key == null) {
      out.write(
          "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return;
    }
    synchronized (this) {
      out.write(
          ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Accept: "
                  + accept(key)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    io.setSoTimeout(0);
    String path = upgrade.path();
    boolean sink = path.contains("/ws/sink/");
    if (sink) {
      // Joins the sinks before it is counted: a caller that waits for the count and then
      // drains must not miss it.
      stub.addSink(this);
    }
    stub.webSockets.incrementAndGet();
    try {
      if (sink) {
        awaitDrain();
        sink();
        return;
      }
      if (path.contains("/ws/flood/")) {
        Thread flood = new Thread(this::flood, "authentik-stub-flood");
        flood.setDaemon(true);
        flood.start();
      } else if (path.contains("/ws/big/")) {
        String bytes = upgrade.target().replaceAll(".*[?&]bytes=(\\d+).*", "$1");
        writeFrame(0x80 | 0x2, new byte[Integer.parseInt(bytes)]);
      }
      echo();
    } finally {
      stub.webSockets.decrementAndGet();
    }
  }

  /** Sends every frame back as it came (fragments stay fragments); answers pings with pongs. */
  private void echo() throws IOException {
    while (true) {
      Frame frame = readFrame();
      if (frame == null) {
        return;
      }
      stub.frames.add(frame.payload.length);
      int opcode = frame.first & 0x0f;
      if (opcode == OPCODE_PING) {
        writeFrame(0x80 | OPCODE_PONG, frame.payload);
      } else if (opcode == OPCODE_CLOSE) {
        writeFrame(0x80 | OPCODE_CLOSE, frame.payload);
        return;
      } else if (opcode != OPCODE_PONG) {
        writeFrame(frame.first, frame.payload);
      }
    }
  }

  private void flood() {
    byte[] payload = new byte[64 * 1024];
    try {
      while (!socket.isClosed()) {
        stub.floodBlocked = true;
        writeFrame(0x80 | 0x2, payload);
        stub.floodBlocked = false;
        stub.floodBytes.addAndGet(payload.length);
      }
    } catch (IOException e) {
      // the tunnel closed
    } finally {
      stub.floodBlocked = false;
    }
  }

  private void awaitDrain() {
    try {
      drained.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void drainAsSink() {
    drained.countDown();
  }

  private void sink() throws IOException {
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = in.readSome(buffer)) > 0) {
      stub.sinkRead.addAndGet(n);
    }
  }

  private record Frame(int first, byte[] payload) {}

  private Frame readFrame() throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    int second = in.read();
    if (second < 0) {
      throw new EOFException("the WebSocket ended inside a frame");
    }
    long length = second & 0x7f;
    if (length == 126) {
      length = (in.read() << 8) | in.read();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | in.read();
      }
    }
    byte[] mask = (second & 0x80) != 0 ? in.readExactly(4) : null;
    byte[] payload = in.readExactly(length);
    if (mask != null) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i & 3];
      }
    }
    return new Frame(first, payload);
  }

  /** One unmasked frame, as a server sends it; writers take turns. */
  private synchronized void writeFrame(int first, byte[] payload) throws IOException {
    out.write(first);
    if (payload.length < 126) {
      out.write(payload.length);
    } else if (payload.length < 65536) {
      out.write(126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    } else {
      out.write(127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (((long) payload.length >>> shift) & 0xff));
      }
    }
    out.write(payload);
    out.flush();
  }

  private static String accept(String key) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-1")
                  .digest((key.strip() + GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
