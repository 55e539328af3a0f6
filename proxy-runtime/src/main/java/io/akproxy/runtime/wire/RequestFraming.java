package io.akproxy.runtime.wire;

import io.akproxy.config.Limits;
import io.netty.buffer.ByteBuf;

/**
 * Follows the framing of the bytes a client sends on one HTTP/1.1 connection, one step at a time,
 * and decides which of them may go on to Vert.x's decoder: a head only once it is complete and
 * valid (see {@link RequestHeadParser}), a body exactly as long as its framing says, chunk lines
 * and trailers only once checked. So Vert.x, and authentik behind it, only ever see messages both
 * would frame the same way.
 *
 * <p>A chunked request's head is held back until its first chunk-size line has arrived and is
 * valid, so a request whose body is malformed from the start is refused before anything is
 * forwarded (unless the client waits for {@code 100 Continue}). After a request that asks for an
 * upgrade, nothing more passes until the answer is known: a 101 ends HTTP on this connection,
 * anything else resumes it.
 */
final class RequestFraming {

  enum Verdict {
    /** {@link #passLength()} bytes from the reader index may go on. */
    PASS,
    /** Nothing can be decided before more bytes arrive. */
    NEED_MORE,
    /** Nothing passes until {@link #upgradeAnswered} is called (or ever again, once rejected). */
    HOLD,
    /** The connection's input is refused from here on: see {@link #rejection()}. */
    REJECT
  }

  private enum State {
    HEAD,
    FIXED_BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_DATA_END,
    TRAILERS,
    AWAIT_UPGRADE,
    CLOSED
  }

  /** A chunk-size line with extensions longer than this is refused (nginx allows far less). */
  static final int MAX_CHUNK_LINE_BYTES = 4096;

  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final int maxRequestLineBytes;
  private final int maxHeaderBytes;

  private State state = State.HEAD;
  // Progress through a head or trailer section not yet complete, relative to the reader index.
  private int scanned;
  private int lineStart;
  private int fieldBytes;
  private boolean requestLineDone;
  // A valid chunked head waiting for its first chunk-size line.
  private RequestHead held;
  private int heldLength;

  private RequestHead head;
  private RequestHead refused;
  private long remaining;
  private int passLength;
  private boolean headPassed;
  private RequestRejected rejection;
  private boolean refusedInBody;

  RequestFraming(Limits limits) {
    this.maxRequestLineBytes = limits.maxRequestLineBytes();
    this.maxHeaderBytes = limits.maxHeaderBytes();
  }

  /** Decides on the bytes readable in {@code in}, without consuming them. */
  Verdict next(ByteBuf in) {
    headPassed = false;
    int readable = in.readableBytes();
    return switch (state) {
      case HEAD -> head(in, readable);
      case FIXED_BODY -> body(readable);
      case CHUNK_DATA -> chunkData(readable);
      case CHUNK_DATA_END -> chunkDataEnd(in, readable);
      case CHUNK_SIZE -> chunkSize(in, 0);
      case TRAILERS -> trailers(in, readable);
      case AWAIT_UPGRADE, CLOSED -> Verdict.HOLD;
    };
  }

  int passLength() {
    return passLength;
  }

  /** Whether the bytes of the last PASS end with a complete request head. */
  boolean headPassed() {
    return headPassed;
  }

  /** The head that passed last, or is being refused; {@code null} before the first. */
  RequestHead head() {
    return head;
  }

  RequestRejected rejection() {
    return rejection;
  }

  /** The valid head whose body was refused before anything passed, or {@code null}. */
  RequestHead refusedHead() {
    return refused;
  }

  /** Between messages or inside a head (a chunked head held for its first chunk line included). */
  boolean readingHead() {
    return state == State.HEAD;
  }

  /**
   * Whether the refusal came after a head went on, inside its body: Vert.x is then reading a body
   * that will never be complete, and no answer can be framed any more.
   */
  boolean refusedInBody() {
    return refusedInBody;
  }

  boolean awaitingUpgrade() {
    return state == State.AWAIT_UPGRADE;
  }

  /** The answer to the request that asked for an upgrade: 101 leaves HTTP for good. */
  void upgradeAnswered(boolean switched) {
    if (state == State.AWAIT_UPGRADE) {
      state = switched ? State.CLOSED : State.HEAD;
    }
  }

  /** Refuses whatever comes next (the head deadline passed, the connection is refused, ...). */
  void close() {
    state = State.CLOSED;
  }

  private Verdict head(ByteBuf in, int readable) {
    if (held != null) {
      return chunkSize(in, heldLength);
    }
    int base = in.readerIndex();
    if (scanned == 0 && readable > 0 && in.getByte(base) == CR) {
      // RFC 9112 section 2.2: empty lines before a request line are ignored.
      if (readable < 2) {
        return Verdict.NEED_MORE;
      }
      if (in.getByte(base + 1) != LF) {
        return reject(400, "bare CR");
      }
      return pass(2);
    }
    for (int i = base + scanned; i < base + readable; i++) {
      byte b = in.getByte(i);
      if (b == LF) {
        return reject(400, "bare LF");
      }
      if (b != CR) {
        continue;
      }
      if (i + 1 == base + readable) {
        scanned = i - base;
        return partialHeadLimits(readable);
      }
      if (in.getByte(i + 1) != LF) {
        return reject(400, "bare CR");
      }
      int lineLength = i - base - lineStart;
      if (!requestLineDone) {
        if (lineLength > maxRequestLineBytes) {
          return reject(414, "request line longer than " + maxRequestLineBytes + " bytes");
        }
        requestLineDone = true;
      } else if (lineLength == 0) {
        return headComplete(in, base, i + 2 - base);
      } else {
        fieldBytes += lineLength;
        if (fieldBytes > maxHeaderBytes) {
          return reject(431, "headers larger than " + maxHeaderBytes + " bytes");
        }
      }
      lineStart = i + 2 - base;
      i++;
    }
    scanned = readable;
    return partialHeadLimits(readable);
  }

  /** Limits checked on a line still arriving, so an endless line is refused early. */
  private Verdict partialHeadLimits(int readable) {
    int partial = readable - lineStart;
    if (!requestLineDone && partial > maxRequestLineBytes) {
      return reject(414, "request line longer than " + maxRequestLineBytes + " bytes");
    }
    if (requestLineDone && fieldBytes + partial > maxHeaderBytes) {
      return reject(431, "headers larger than " + maxHeaderBytes + " bytes");
    }
    return Verdict.NEED_MORE;
  }

  private Verdict headComplete(ByteBuf in, int base, int length) {
    RequestHead parsed;
    try {
      parsed = RequestHeadParser.parse(in, base, length);
    } catch (RequestRejected rejected) {
      return reject(rejected);
    }
    resetScan();
    head = parsed;
    if (parsed.body() == RequestHead.Body.CHUNKED && !parsed.expectsContinue()) {
      held = parsed;
      heldLength = length;
      return chunkSize(in, length);
    }
    switch (parsed.body()) {
      case NONE -> messageEnded();
      case LENGTH -> {
        state = State.FIXED_BODY;
        remaining = parsed.contentLength();
      }
      case CHUNKED -> state = State.CHUNK_SIZE;
    }
    headPassed = true;
    return pass(length);
  }

  private Verdict body(int readable) {
    if (readable == 0) {
      return Verdict.NEED_MORE;
    }
    int n = (int) Math.min(readable, remaining);
    remaining -= n;
    if (remaining == 0) {
      messageEnded();
    }
    return pass(n);
  }

  private Verdict chunkData(int readable) {
    if (readable == 0) {
      return Verdict.NEED_MORE;
    }
    int n = (int) Math.min(readable, remaining);
    remaining -= n;
    if (remaining == 0) {
      state = State.CHUNK_DATA_END;
    }
    return pass(n);
  }

  private Verdict chunkDataEnd(ByteBuf in, int readable) {
    if (readable < 2) {
      return readable == 1 && in.getByte(in.readerIndex()) != CR
          ? reject(400, "chunk data not followed by CRLF")
          : Verdict.NEED_MORE;
    }
    int base = in.readerIndex();
    if (in.getByte(base) != CR || in.getByte(base + 1) != LF) {
      return reject(400, "chunk data not followed by CRLF");
    }
    state = State.CHUNK_SIZE;
    return pass(2);
  }

  /**
   * A chunk-size line starting {@code offset} bytes after the reader index: hex digits, optional
   * extensions, CRLF. When it follows a held head, head and line pass together.
   */
  private Verdict chunkSize(ByteBuf in, int offset) {
    int base = in.readerIndex() + offset;
    int available = in.readableBytes() - offset;
    int limit = Math.min(available, MAX_CHUNK_LINE_BYTES);
    int cr = in.indexOf(base, base + limit, CR);
    if (cr < 0) {
      return available >= MAX_CHUNK_LINE_BYTES
          ? reject(400, "chunk-size line too long")
          : lineFeedsOnly(in, base, base + limit);
    }
    if (cr + 1 == base + available) {
      return Verdict.NEED_MORE;
    }
    if (in.getByte(cr + 1) != LF) {
      return reject(400, "bare CR");
    }
    long size = 0;
    int i = base;
    for (; i < cr; i++) {
      int digit = Character.digit(in.getByte(i), 16);
      if (digit < 0) {
        break;
      }
      if (i - base >= 15) {
        return reject(400, "invalid chunk size");
      }
      size = size * 16 + digit;
    }
    if (i == base || !validExtensions(in, i, cr)) {
      return reject(400, "invalid chunk size");
    }
    int lineLength = cr + 2 - base;
    if (held != null) {
      held = null;
      headPassed = true;
      lineLength += heldLength;
    }
    if (size == 0) {
      state = State.TRAILERS;
      resetScan();
    } else {
      state = State.CHUNK_DATA;
      remaining = size;
    }
    return pass(lineLength);
  }

  private Verdict lineFeedsOnly(ByteBuf in, int from, int to) {
    return in.indexOf(from, to, LF) >= 0 ? reject(400, "bare LF") : Verdict.NEED_MORE;
  }

  /** {@code *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )}, checked for controls only. */
  private static boolean validExtensions(ByteBuf in, int from, int to) {
    int i = from;
    while (i < to && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
      i++;
    }
    if (i < to && in.getByte(i) != ';') {
      return false;
    }
    for (; i < to; i++) {
      byte b = in.getByte(i);
      if ((b >= 0 && b < 0x20 && b != '\t') || b == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** The trailer section after the last chunk: field lines, then an empty line. */
  private Verdict trailers(ByteBuf in, int readable) {
    int base = in.readerIndex();
    for (int i = base + scanned; i < base + readable; i++) {
      byte b = in.getByte(i);
      if (b == LF) {
        return reject(400, "bare LF");
      }
      if (b != CR) {
        continue;
      }
      if (i + 1 == base + readable) {
        scanned = i - base;
        return Verdict.NEED_MORE;
      }
      if (in.getByte(i + 1) != LF) {
        return reject(400, "bare CR");
      }
      int lineLength = i - base - lineStart;
      if (lineLength == 0) {
        int length = i + 2 - base;
        resetScan();
        messageEnded();
        return pass(length);
      }
      fieldBytes += lineLength;
      if (fieldBytes > maxHeaderBytes) {
        return reject(431, "trailers larger than " + maxHeaderBytes + " bytes");
      }
      try {
        RequestHeadParser.fieldLine(in, base + lineStart, i, null);
      } catch (RequestRejected rejected) {
        return reject(rejected);
      }
      lineStart = i + 2 - base;
      i++;
    }
    scanned = readable;
    if (fieldBytes + readable - lineStart > maxHeaderBytes) {
      return reject(431, "trailers larger than " + maxHeaderBytes + " bytes");
    }
    return Verdict.NEED_MORE;
  }

  private void messageEnded() {
    state = head != null && head.upgradeCandidate() ? State.AWAIT_UPGRADE : State.HEAD;
  }

  private void resetScan() {
    scanned = 0;
    lineStart = 0;
    fieldBytes = 0;
    requestLineDone = false;
  }

  private Verdict pass(int length) {
    passLength = length;
    return Verdict.PASS;
  }

  private Verdict reject(int status, String reason) {
    return reject(new RequestRejected(status, reason));
  }

  private Verdict reject(RequestRejected rejected) {
    rejection = rejected;
    refusedInBody =
        switch (state) {
          case FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS -> true;
          default -> false;
        };
    state = State.CLOSED;
    refused = held;
    held = null;
    return Verdict.REJECT;
  }
}
