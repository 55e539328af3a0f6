package io.akproxy.config;

/**
 * WebSocket tunnels ({@code /ws/client/}, {@code /ws/outpost/<uuid>/}). The tunnel streams frames
 * without holding a whole message, so the limits bound what a peer may send, not what the proxy
 * buffers; the defaults carry what the seed (nginx, which has no such limit) carries in practice.
 *
 * @param idleTimeoutSeconds close a tunnel silent this long; above authentik's 10 s outpost HELLO
 * @param maxFrameBytes the largest single frame accepted in either direction
 * @param maxMessageBytes the largest (possibly fragmented) message accepted in either direction
 */
public record WebSocketSettings(int idleTimeoutSeconds, int maxFrameBytes, int maxMessageBytes) {

  /** authentik's outposts say HELLO every 10 s: a tunnel idle timeout must be above it. */
  public static final int OUTPOST_HELLO_SECONDS = 10;

  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 3600;
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  public static WebSocketSettings defaults() {
    return new WebSocketSettings(
        DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_MESSAGE_BYTES);
  }
}
