package io.akproxy.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Issue 7, vector 4: frame and message limits, counted without buffering payloads. */
class WebSocketFramesTest {

  private static final int FRAME = 1024;
  private static final int MESSAGE = 4096;

  /** A frame header (and payload) as a client sends it: masked. */
  private static ByteBuf frame(boolean fin, int opcode, int length, boolean masked) {
    ByteBuf frame = Unpooled.buffer();
    frame.writeByte((fin ? 0x80 : 0) | opcode);
    int mask = masked ? 0x80 : 0;
    if (length < 126) {
      frame.writeByte(mask | length);
    } else if (length < 65536) {
      frame.writeByte(mask | 126).writeShort(length);
    } else {
      frame.writeByte(mask | 127).writeLong(length);
    }
    if (masked) {
      frame.writeInt(0x01020304);
    }
    frame.writeZero(length);
    return frame;
  }

  private static ByteBuf client(boolean fin, int opcode, int length) {
    return frame(fin, opcode, length, true);
  }

  private static int scan(WebSocketFrames frames, ByteBuf... buffers) {
    ByteBuf all = Unpooled.wrappedBuffer(buffers);
    return frames.scan(all, all.readerIndex(), all.writerIndex());
  }

  @Test
  void passesFramesAndFragmentedMessagesWithinTheLimits() {
    WebSocketFrames frames = new WebSocketFrames(true, FRAME, MESSAGE);
    assertThat(
            scan(
                frames,
                client(true, 1, 1000),
                client(false, 2, 1024),
                client(true, 9, 4),
                client(false, 0, 1024),
                client(true, 0, 1024)))
        .isEqualTo(-1);
    assertThat(frames.atFrameBoundary()).isTrue();
  }

  @Test
  void stopsAtTheStartOfAFrameLargerThanTheLimit() {
    WebSocketFrames frames = new WebSocketFrames(true, FRAME, MESSAGE);
    ByteBuf small = client(true, 1, 10);
    int cut = scan(frames, small, client(true, 2, FRAME + 1));
    assertThat(cut).isEqualTo(small.readableBytes());
    assertThat(frames.closeCode()).isEqualTo(1009);
    assertThat(frames.violationAtFrameStart()).isTrue();
  }

  @Test
  void stopsAFragmentedMessageThatGrowsBeyondTheLimit() {
    WebSocketFrames frames = new WebSocketFrames(true, FRAME, MESSAGE);
    int cut =
        scan(
            frames,
            client(false, 1, 1024),
            client(false, 0, 1024),
            client(false, 0, 1024),
            client(false, 0, 1024),
            client(true, 0, 1));
    assertThat(cut).isGreaterThan(0);
    assertThat(frames.closeCode()).isEqualTo(1009);
  }

  @Test
  void countsPayloadsSplitAcrossBuffersWithoutHoldingThem() {
    WebSocketFrames frames = new WebSocketFrames(true, 1 << 20, 1 << 20);
    ByteBuf frame = client(true, 2, 100_000);
    for (int from = 0; from < frame.writerIndex(); from += 7_000) {
      int to = Math.min(frame.writerIndex(), from + 7_000);
      assertThat(frames.scan(frame, from, to)).isEqualTo(-1);
      assertThat(frames.atFrameBoundary()).isEqualTo(to == frame.writerIndex());
    }
  }

  @Test
  void refusesWhatBreaksTheProtocol() {
    assertThat(violation(true, frame(true, 1, 5, false))).isEqualTo(1002);
    assertThat(violation(false, frame(true, 1, 5, true))).isEqualTo(1002);
    assertThat(violation(true, client(true, 3, 1))).isEqualTo(1002);
    assertThat(violation(true, client(false, 9, 1))).isEqualTo(1002);
    assertThat(violation(true, client(true, 10, 126))).isEqualTo(1002);
    assertThat(violation(true, client(true, 0, 1))).isEqualTo(1002);
    assertThat(violation(true, client(false, 1, 1), client(true, 1, 1))).isEqualTo(1002);
    ByteBuf reserved = client(true, 1, 1);
    reserved.setByte(0, reserved.getByte(0) | 0x20);
    assertThat(violation(true, reserved)).isEqualTo(1002);
    ByteBuf huge =
        Unpooled.buffer().writeByte(0x82).writeByte(0x80 | 127).writeLong(-1L).writeInt(0);
    assertThat(violation(true, huge)).isEqualTo(1002);
  }

  @Test
  void allowsPermessageDeflateFrames() {
    ByteBuf compressed = client(true, 1, 10);
    compressed.setByte(0, compressed.getByte(0) | 0x40);
    assertThat(scan(new WebSocketFrames(true, FRAME, MESSAGE), compressed)).isEqualTo(-1);
  }

  @Test
  void aCloseFrameCarriesTheCodeAndReason() {
    ByteBuf close = WebSocketFrames.closeFrame(1009, "frame larger than 1024 bytes");
    assertThat((int) close.getUnsignedByte(0)).isEqualTo(0x88);
    assertThat((int) close.getUnsignedByte(1))
        .isEqualTo(2 + "frame larger than 1024 bytes".length());
    assertThat(close.getUnsignedShort(2)).isEqualTo(1009);
  }

  private static int violation(boolean fromClient, ByteBuf... buffers) {
    WebSocketFrames frames = new WebSocketFrames(fromClient, FRAME, MESSAGE);
    assertThat(scan(frames, buffers)).isNotEqualTo(-1);
    return frames.closeCode();
  }
}
