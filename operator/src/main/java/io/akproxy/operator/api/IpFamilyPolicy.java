package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the proxy's Service gets one IP family or both (a dual-stack cluster). */
public enum IpFamilyPolicy {
  @JsonProperty("SingleStack")
  SINGLE_STACK,
  @JsonProperty("PreferDualStack")
  PREFER_DUAL_STACK,
  @JsonProperty("RequireDualStack")
  REQUIRE_DUAL_STACK;

  public String value() {
    return switch (this) {
      case SINGLE_STACK -> "SingleStack";
      case PREFER_DUAL_STACK -> "PreferDualStack";
      case REQUIRE_DUAL_STACK -> "RequireDualStack";
    };
  }
}
