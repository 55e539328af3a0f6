package io.akproxy.testkit.authentik;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** A buffered reader of one connection's bytes that counts what arrived. Not thread-safe. */
final class Input {

  private final InputStream in;
  private final AtomicLong counter;
  private final byte[] buffer = new byte[16 * 1024];
  private int position;
  private int limit;

  Input(InputStream in, AtomicLong counter) {
    this.in = in;
    this.counter = counter;
  }

  /** The next byte, or -1 at the end of the stream. */
  int read() throws IOException {
    if (position == limit && !fill()) {
      return -1;
    }
    return buffer[position++] & 0xff;
  }

  /** Whether bytes are buffered already (a pipelined request). */
  boolean hasBuffered() {
    return position < limit;
  }

  /** Reads a CRLF- (or LF-) terminated line of at most {@code max} bytes; null at a clean end. */
  String readLine(int max) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = read();
      if (b < 0) {
        if (line.length() == 0) {
          return null;
        }
        throw new EOFException("the connection ended inside a line");
      }
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() >= max) {
        throw new IOException("line longer than " + max + " bytes");
      }
      line.append((char) b);
    }
  }

  byte[] readExactly(long count) throws IOException {
    if (count > Integer.MAX_VALUE - 8) {
      throw new IOException("body too large for the stub: " + count);
    }
    byte[] out = new byte[(int) count];
    int filled = 0;
    while (filled < out.length) {
      if (position == limit && !fill()) {
        throw new EOFException("the connection ended after " + filled + " of " + count + " bytes");
      }
      int n = Math.min(out.length - filled, limit - position);
      System.arraycopy(buffer, position, out, filled, n);
      position += n;
      filled += n;
    }
    return out;
  }

  /** Reads whatever arrives next (at least one byte), or -1 at the end. */
  int readSome(byte[] into) throws IOException {
    if (position == limit && !fill()) {
      return -1;
    }
    int n = Math.min(into.length, limit - position);
    System.arraycopy(buffer, position, into, 0, n);
    position += n;
    return n;
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer);
    if (n <= 0) {
      return false;
    }
    counter.addAndGet(n);
    position = 0;
    limit = n;
    return true;
  }

  static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
