package io.akproxy.runtime.hardening;

import io.akproxy.runtime.support.Clients;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * HTTP/2 frames written and read by hand, for what no well-behaved client does: more streams than
 * allowed, a flood of resets. Header blocks use HPACK literals without indexing (RFC 7541 section
 * 6.2.2), which every decoder must accept.
 */
final class H2Wire implements AutoCloseable {

  static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int GOAWAY = 0x7;

  static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
  static final int REFUSED_STREAM = 0x7;
  static final int CANCEL = 0x8;
  static final int ENHANCE_YOUR_CALM = 0xb;

  /** One frame as read, with its payload. */
  record Frame(int type, int flags, int stream, byte[] payload) {
    int errorCode() {
      ByteBuffer b = ByteBuffer.wrap(payload);
      return type == GOAWAY ? b.getInt(4) : b.getInt(0);
    }

    /** A SETTINGS parameter's value, or -1 when this frame does not carry it. */
    long setting(int id) {
      ByteBuffer b = ByteBuffer.wrap(payload);
      while (b.remaining() >= 6) {
        int key = b.getShort() & 0xffff;
        long value = b.getInt() & 0xffffffffL;
        if (key == id) {
          return value;
        }
      }
      return -1;
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final List<Frame> frames = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private final Thread reader;

  private H2Wire(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    socket.setSoTimeout(0);
    // The preface goes first: the reader acknowledges the server's SETTINGS as soon as they come.
    out.write(PREFACE);
    frame(SETTINGS, 0, 0, new byte[0]);
    out.flush();
    this.reader = new Thread(this::readFrames, "h2-wire-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** A TLS connection negotiating h2, preface and empty SETTINGS sent. */
  static H2Wire connect(int port) throws IOException {
    return new H2Wire(Clients.tls(port, List.of("TLSv1.3"), List.of("h2")));
  }

  private void readFrames() {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      while (true) {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        frames.add(new Frame(type, flags, stream, payload));
        if (type == SETTINGS && (flags & 0x1) == 0) {
          synchronized (this) {
            frame(SETTINGS, 0x1, 0, new byte[0]);
            out.flush();
          }
        }
      }
    } catch (IOException e) {
      closed = true;
    }
  }

  /** A GET on {@code stream}, ending the stream (no body). */
  synchronized void get(int stream, String path) throws IOException {
    frame(HEADERS, 0x4 | 0x1, stream, headerBlock(path));
  }

  synchronized void reset(int stream) throws IOException {
    frame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(CANCEL).array());
  }

  synchronized void flush() throws IOException {
    out.flush();
  }

  private static byte[] headerBlock(String path) {
    ByteBuffer block = ByteBuffer.allocate(256);
    literal(block, ":method", "GET");
    literal(block, ":scheme", "https");
    literal(block, ":path", path);
    literal(block, ":authority", "sso.example.com");
    byte[] bytes = new byte[block.position()];
    block.flip().get(bytes);
    return bytes;
  }

  private static void literal(ByteBuffer block, String name, String value) {
    block.put((byte) 0x00);
    block.put((byte) name.length()).put(name.getBytes(StandardCharsets.US_ASCII));
    block.put((byte) value.length()).put(value.getBytes(StandardCharsets.US_ASCII));
  }

  private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(9);
    header.put((byte) (payload.length >>> 16)).putShort((short) payload.length);
    header.put((byte) type).put((byte) flags).putInt(stream);
    out.write(header.array());
    out.write(payload);
  }

  List<Frame> frames() {
    return List.copyOf(frames);
  }

  List<Frame> frames(int type) {
    return frames.stream().filter(f -> f.type() == type).toList();
  }

  boolean closed() {
    return closed;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
