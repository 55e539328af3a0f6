package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** {@code Strict-Transport-Security}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.preload) || !self.preload"
            + " || (has(self.includeSubDomains) && self.includeSubDomains"
            + " && has(self.maxAgeSeconds) && self.maxAgeSeconds >= 31536000)",
    message = "hsts.preload needs includeSubDomains: true and maxAgeSeconds of at least 31536000")
public class HstsSpec {

  public static final long DEFAULT_MAX_AGE_SECONDS = 63_072_000L;

  @Default("" + DEFAULT_MAX_AGE_SECONDS)
  @Min(0)
  @JsonPropertyDescription("max-age in seconds; 0 tells browsers to forget. Default 63072000.")
  public Long maxAgeSeconds;

  @Default("false")
  @JsonPropertyDescription("Add includeSubDomains. Default false.")
  public Boolean includeSubDomains;

  @Default("false")
  @JsonPropertyDescription(
      "Add preload (needs includeSubDomains and a max-age of at least a year). Default false.")
  public Boolean preload;
}
