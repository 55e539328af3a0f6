package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The lowest TLS version the proxy accepts from clients. */
public enum TlsVersion {
  @JsonProperty("TLSv1.3")
  TLS_1_3,
  @JsonProperty("TLSv1.2")
  TLS_1_2;

  /** The name proxy.json uses. */
  public String value() {
    return this == TLS_1_3 ? "TLSv1.3" : "TLSv1.2";
  }
}
