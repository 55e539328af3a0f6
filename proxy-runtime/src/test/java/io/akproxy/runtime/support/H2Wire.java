package io.akproxy.runtime.support;

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
 * allowed, a flood of resets, flow-control windows held shut until the test opens them. Header
 * blocks use HPACK literals without indexing (RFC 7541 section 6.2.2), which every decoder must
 * accept.
 */
public final class H2Wire implements AutoCloseable {

  public static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  public static final int DATA = 0x0;
  public static final int HEADERS = 0x1;
  public static final int RST_STREAM = 0x3;
  public static final int SETTINGS = 0x4;
  public static final int GOAWAY = 0x7;

  public static final int WINDOW_UPDATE = 0x8;

  public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
  public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

  public static final int FLAG_END_STREAM = 0x1;
  public static final int PROTOCOL_ERROR = 0x1;
  public static final int REFUSED_STREAM = 0x7;
  public static final int CANCEL = 0x8;
  public static final int ENHANCE_YOUR_CALM = 0xb;

  /** One frame as read, with its payload. */
  public record Frame(int type, int flags, int stream, byte[] payload) {
    public int errorCode() {
      ByteBuffer b = ByteBuffer.wrap(payload);
      return type == GOAWAY ? b.getInt(4) : b.getInt(0);
    }

    /** A SETTINGS parameter's value, or -1 when this frame does not carry it. */
    public long setting(int id) {
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

  private H2Wire(Socket socket, byte[] settings) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    socket.setSoTimeout(0);
    // The preface goes first: the reader acknowledges the server's SETTINGS as soon as they come.
    out.write(PREFACE);
    frame(SETTINGS, 0, 0, settings);
    out.flush();
    this.reader = new Thread(this::readFrames, "h2-wire-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** A TLS connection negotiating h2, preface and empty SETTINGS sent. */
  public static H2Wire connect(int port) throws IOException {
    return new H2Wire(Clients.tls(port, List.of("TLSv1.3"), List.of("h2")), new byte[0]);
  }

  /**
   * As {@link #connect}, announcing a stream window of {@code initialWindow} bytes: with 0 the
   * server may send a response's head but none of its body until {@link #windowUpdate} opens the
   * stream's window.
   */
  public static H2Wire connect(int port, int initialWindow) throws IOException {
    byte[] settings =
        ByteBuffer.allocate(6)
            .putShort((short) SETTINGS_INITIAL_WINDOW_SIZE)
            .putInt(initialWindow)
            .array();
    return new H2Wire(Clients.tls(port, List.of("TLSv1.3"), List.of("h2")), settings);
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
  public synchronized void get(int stream, String path) throws IOException {
    frame(HEADERS, 0x4 | 0x1, stream, headerBlock(path));
  }

  /**
   * A request on {@code stream} with exactly {@code fields} (pseudo-header fields included), in
   * order, each name and value under 127 bytes and sent as a literal, so nothing checks or fixes
   * them on the way; the stream ends here when {@code endStream}.
   */
  public synchronized void headers(int stream, List<String[]> fields, boolean endStream)
      throws IOException {
    ByteBuffer block = ByteBuffer.allocate(4096);
    for (String[] field : fields) {
      literal(block, field[0], field[1]);
    }
    byte[] bytes = new byte[block.position()];
    block.flip().get(bytes);
    frame(HEADERS, 0x4 | (endStream ? FLAG_END_STREAM : 0), stream, bytes);
  }

  /** A DATA frame on {@code stream}. */
  public synchronized void data(int stream, byte[] data, boolean endStream) throws IOException {
    frame(DATA, endStream ? FLAG_END_STREAM : 0, stream, data);
  }

  public synchronized void reset(int stream) throws IOException {
    frame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(CANCEL).array());
  }

  /**
   * Opens {@code stream}'s window (0: the connection's) by {@code increment} bytes, and flushes.
   */
  public synchronized void windowUpdate(int stream, int increment) throws IOException {
    frame(WINDOW_UPDATE, 0, stream, ByteBuffer.allocate(4).putInt(increment).array());
    out.flush();
  }

  public synchronized void flush() throws IOException {
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
    block.put((byte) name.length()).put(name.getBytes(StandardCharsets.ISO_8859_1));
    block.put((byte) value.length()).put(value.getBytes(StandardCharsets.ISO_8859_1));
  }

  private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(9);
    header.put((byte) (payload.length >>> 16)).putShort((short) payload.length);
    header.put((byte) type).put((byte) flags).putInt(stream);
    out.write(header.array());
    out.write(payload);
  }

  public List<Frame> frames() {
    return List.copyOf(frames);
  }

  public List<Frame> frames(int type) {
    return frames.stream().filter(f -> f.type() == type).toList();
  }

  /** The frames received on {@code stream}. */
  public List<Frame> stream(int stream) {
    return frames.stream().filter(f -> f.stream() == stream).toList();
  }

  /** Whether {@code stream} ended: a HEADERS or DATA frame with END_STREAM, or RST_STREAM. */
  public boolean ended(int stream) {
    return stream(stream).stream()
        .anyMatch(
            f ->
                f.type() == RST_STREAM
                    || ((f.type() == DATA || f.type() == HEADERS)
                        && (f.flags() & FLAG_END_STREAM) != 0));
  }

  /** The body bytes received on {@code stream} (DATA payloads; no padding is ever sent). */
  public long dataBytes(int stream) {
    return stream(stream).stream()
        .filter(f -> f.type() == DATA)
        .mapToLong(f -> f.payload().length)
        .sum();
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
