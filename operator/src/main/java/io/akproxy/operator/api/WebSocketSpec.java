package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.akproxy.config.WebSocketSettings;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** WebSocket tunnels. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.maxMessageBytes) ? self.maxMessageBytes : "
            + WebSocketSpec.DEFAULT_MAX_MESSAGE_BYTES
            + ") >= (has(self.maxFrameBytes) ? self.maxFrameBytes : "
            + WebSocketSpec.DEFAULT_MAX_FRAME_BYTES
            + ")",
    message = "websocket.maxMessageBytes must be at least maxFrameBytes")
public class WebSocketSpec {

  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS =
      WebSocketSettings.DEFAULT_IDLE_TIMEOUT_SECONDS;
  public static final int DEFAULT_MAX_FRAME_BYTES = WebSocketSettings.DEFAULT_MAX_FRAME_BYTES;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = WebSocketSettings.DEFAULT_MAX_MESSAGE_BYTES;

  /** A frame is held whole in the pod's memory while it passes: 64 MiB at most. */
  static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

  /** A message streams through frame by frame: 1 GiB at most. */
  static final int MAX_MESSAGE_BYTES = 1024 * 1024 * 1024;

  @Default("" + DEFAULT_IDLE_TIMEOUT_SECONDS)
  @Min(11)
  @Max(86400)
  @JsonPropertyDescription(
      "Close a tunnel silent this long. Must stay above authentik's 10 s outpost HELLO."
          + " Default "
          + DEFAULT_IDLE_TIMEOUT_SECONDS
          + ".")
  public Integer idleTimeoutSeconds;

  @Default("" + DEFAULT_MAX_FRAME_BYTES)
  @Min(1024)
  @Max(MAX_FRAME_BYTES)
  @JsonPropertyDescription(
      "The largest single WebSocket frame accepted in either direction, in bytes; a larger one"
          + " closes the tunnel with 1009. Each frame is held whole while it passes. Default"
          + " 16777216 (16 MiB), at most 67108864 (64 MiB).")
  public Integer maxFrameBytes;

  @Default("" + DEFAULT_MAX_MESSAGE_BYTES)
  @Min(1024)
  @Max(MAX_MESSAGE_BYTES)
  @JsonPropertyDescription(
      "The largest WebSocket message (all its fragments) accepted in either direction, in"
          + " bytes; at least maxFrameBytes. It streams through frame by frame, never held whole."
          + " Default 16777216 (16 MiB), at most 1073741824 (1 GiB).")
  public Integer maxMessageBytes;
}
