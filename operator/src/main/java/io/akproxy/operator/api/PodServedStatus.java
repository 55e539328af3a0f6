package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One proxy pod and what it serves. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodServedStatus {

  @JsonPropertyDescription("The pod's name.")
  public String name;

  @JsonPropertyDescription("Whether the pod is Ready.")
  public Boolean ready;

  @JsonPropertyDescription("sha256 of the proxy.json the pod serves, from its /status.")
  public String configHash;

  @JsonPropertyDescription("Serial number (lower-case hex) of the certificate the pod serves.")
  public String certificateSerial;

  @JsonPropertyDescription(
      "The runtime's error when it refused the last files it was given (it keeps serving the last"
          + " good set).")
  public String lastReloadError;

  @JsonPropertyDescription("Why the operator could not read the pod's /status, when it could not.")
  public String statusError;
}
