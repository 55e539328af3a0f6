package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the proxy speaks to authentik. */
public enum UpstreamScheme {
  @JsonProperty("http")
  HTTP,
  @JsonProperty("https")
  HTTPS;

  public String value() {
    return this == HTTP ? "http" : "https";
  }
}
