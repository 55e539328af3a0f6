package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The Service types the proxy can be exposed with. */
public enum ServiceType {
  @JsonProperty("ClusterIP")
  CLUSTER_IP,
  @JsonProperty("NodePort")
  NODE_PORT,
  @JsonProperty("LoadBalancer")
  LOAD_BALANCER;

  public String value() {
    return switch (this) {
      case CLUSTER_IP -> "ClusterIP";
      case NODE_PORT -> "NodePort";
      case LOAD_BALANCER -> "LoadBalancer";
    };
  }
}
