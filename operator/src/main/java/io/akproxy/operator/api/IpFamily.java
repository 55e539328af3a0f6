package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An IP family of the proxy's Service. */
public enum IpFamily {
  @JsonProperty("IPv4")
  IPV4,
  @JsonProperty("IPv6")
  IPV6;

  public String value() {
    return this == IPV4 ? "IPv4" : "IPv6";
  }
}
