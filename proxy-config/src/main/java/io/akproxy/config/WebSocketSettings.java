package io.akproxy.config;

/**
 * WebSocket tunnels ({@code /ws/client/}, {@code /ws/outpost/<uuid>/}).
 *
 * @param idleTimeoutSeconds close a tunnel silent this long; above authentik's 10 s outpost HELLO
 * @param maxFrameBytes the largest single frame accepted in either direction
 * @param maxMessageBytes the largest (possibly fragmented) message accepted in either direction
 */
public record WebSocketSettings(int idleTimeoutSeconds, int maxFrameBytes, int maxMessageBytes) {

  /** authentik's outposts say HELLO every 10 s: a tunnel idle timeout must be above it. */
  public static final int OUTPOST_HELLO_SECONDS = 10;

  public static WebSocketSettings defaults() {
    return new WebSocketSettings(3600, 256 * 1024, 1024 * 1024);
  }
}
