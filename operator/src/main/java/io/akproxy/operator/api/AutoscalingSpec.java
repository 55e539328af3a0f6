package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A HorizontalPodAutoscaler that owns the proxy's replica count. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "(has(self.minReplicas) ? self.minReplicas : 2) <= self.maxReplicas",
    message = "autoscaling.maxReplicas must be at least minReplicas")
public class AutoscalingSpec {

  public static final int DEFAULT_MIN_REPLICAS = 2;
  public static final int DEFAULT_TARGET_CPU = 75;

  @Default("" + DEFAULT_MIN_REPLICAS)
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("The fewest proxy pods. Default " + DEFAULT_MIN_REPLICAS + ".")
  public Integer minReplicas;

  @Required
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("The most proxy pods.")
  public Integer maxReplicas;

  @Default("" + DEFAULT_TARGET_CPU)
  @Min(1)
  @Max(100)
  @JsonProperty("targetCPUUtilizationPercentage")
  @JsonPropertyDescription(
      "Average CPU use, in percent of the pods' CPU request, that the autoscaler aims for."
          + " Default "
          + DEFAULT_TARGET_CPU
          + ".")
  public Integer targetCPUUtilizationPercentage;
}
