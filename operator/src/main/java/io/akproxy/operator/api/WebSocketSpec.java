package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** WebSocket tunnels. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebSocketSpec {

  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 3600;

  @Default("" + DEFAULT_IDLE_TIMEOUT_SECONDS)
  @Min(11)
  @Max(86400)
  @JsonPropertyDescription(
      "Close a tunnel silent this long. Must stay above authentik's 10 s outpost HELLO."
          + " Default "
          + DEFAULT_IDLE_TIMEOUT_SECONDS
          + ".")
  public Integer idleTimeoutSeconds;
}
