package io.akproxy.runtime.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Follows the frames of one direction of a WebSocket tunnel (RFC 6455 section 5) without buffering
 * them: only frame headers are read, payloads are counted past. It finds the first frame that must
 * not pass: larger than {@code websocket.maxFrameBytes}, or growing a message beyond {@code
 * websocket.maxMessageBytes} (close code 1009), or breaking the protocol (1002: unmasked client
 * frames, masked server frames, reserved opcodes or bits, fragmented or oversized control frames,
 * continuations out of place).
 */
final class WebSocketFrames {

  static final int PROTOCOL_ERROR = 1002;
  static final int MESSAGE_TOO_BIG = 1009;

  private final boolean fromClient;
  private final long maxFrameBytes;
  private final long maxMessageBytes;

  private final byte[] header = new byte[14];
  private int headerRead;
  private int headerNeeded = 2;
  private long payloadLeft;
  private boolean inMessage;
  private long messageBytes;
  private int closeCode;
  private String closeReason;
  private boolean violationAtFrameStart;

  /**
   * @param fromClient client frames must be masked, authentik's must not be
   */
  WebSocketFrames(boolean fromClient, int maxFrameBytes, int maxMessageBytes) {
    this.fromClient = fromClient;
    this.maxFrameBytes = maxFrameBytes;
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * Scans {@code in} between {@code from} and {@code to}.
   *
   * @return -1 when all these bytes may pass, otherwise the index from which none may: the start of
   *     the offending frame, or {@code from} when its header began in an earlier buffer
   */
  int scan(ByteBuf in, int from, int to) {
    int frameStart = -1;
    int i = from;
    while (i < to) {
      if (payloadLeft > 0) {
        int n = (int) Math.min(payloadLeft, to - i);
        payloadLeft -= n;
        i += n;
        continue;
      }
      if (headerRead == 0) {
        frameStart = i;
      }
      header[headerRead++] = in.getByte(i++);
      if (headerRead == 2) {
        int length7 = header[1] & 0x7f;
        int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        headerNeeded = 2 + extended + ((header[1] & 0x80) != 0 ? 4 : 0);
      }
      if (headerRead < headerNeeded) {
        continue;
      }
      if (!accept()) {
        violationAtFrameStart = frameStart >= 0;
        return frameStart >= 0 ? frameStart : from;
      }
      headerRead = 0;
      headerNeeded = 2;
    }
    return -1;
  }

  /** Checks a complete frame header; on success its payload is next. */
  private boolean accept() {
    boolean fin = (header[0] & 0x80) != 0;
    int opcode = header[0] & 0x0f;
    boolean masked = (header[1] & 0x80) != 0;
    // RSV1 belongs to permessage-deflate, which client and authentik may negotiate end to end.
    if ((header[0] & 0x30) != 0) {
      return violation(PROTOCOL_ERROR, "reserved bits set");
    }
    if (opcode > 2 && opcode < 8 || opcode > 10) {
      return violation(PROTOCOL_ERROR, "reserved opcode");
    }
    if (masked != fromClient) {
      return violation(PROTOCOL_ERROR, fromClient ? "unmasked client frame" : "masked frame");
    }
    long length = length();
    if (length < 0) {
      return violation(PROTOCOL_ERROR, "invalid frame length");
    }
    if (opcode >= 8) {
      if (!fin || length > 125) {
        return violation(PROTOCOL_ERROR, "invalid control frame");
      }
      payloadLeft = length;
      return true;
    }
    if (opcode == 0 && !inMessage) {
      return violation(PROTOCOL_ERROR, "continuation without a message");
    }
    if (opcode != 0 && inMessage) {
      return violation(PROTOCOL_ERROR, "new message before the last one ended");
    }
    if (length > maxFrameBytes) {
      return violation(MESSAGE_TOO_BIG, "frame larger than " + maxFrameBytes + " bytes");
    }
    long message = (opcode == 0 ? messageBytes : 0) + length;
    if (message > maxMessageBytes) {
      return violation(MESSAGE_TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
    }
    inMessage = !fin;
    messageBytes = fin ? 0 : message;
    payloadLeft = length;
    return true;
  }

  private long length() {
    int length7 = header[1] & 0x7f;
    if (length7 < 126) {
      return length7;
    }
    if (length7 == 126) {
      return ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    }
    long length = 0;
    for (int i = 2; i < 10; i++) {
      length = (length << 8) | (header[i] & 0xff);
    }
    return length;
  }

  private boolean violation(int code, String reason) {
    closeCode = code;
    closeReason = reason;
    return false;
  }

  /** No frame is partly through: a frame written now would not cut into another. */
  boolean atFrameBoundary() {
    return headerRead == 0 && payloadLeft == 0;
  }

  /** Whether the offending frame's header began in the buffer that revealed it. */
  boolean violationAtFrameStart() {
    return violationAtFrameStart;
  }

  int closeCode() {
    return closeCode;
  }

  String closeReason() {
    return closeReason;
  }

  /** An unmasked close frame, as a server sends it to a client. */
  static ByteBuf closeFrame(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(text.length, 123);
    ByteBuf frame = Unpooled.buffer(4 + length);
    frame.writeByte(0x88);
    frame.writeByte(2 + length);
    frame.writeShort(code);
    frame.writeBytes(text, 0, length);
    return frame;
  }
}
