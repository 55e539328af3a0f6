package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether external traffic may hop between nodes (and lose the client's address). */
public enum ExternalTrafficPolicy {
  @JsonProperty("Cluster")
  CLUSTER,
  @JsonProperty("Local")
  LOCAL;

  public String value() {
    return this == CLUSTER ? "Cluster" : "Local";
  }
}
