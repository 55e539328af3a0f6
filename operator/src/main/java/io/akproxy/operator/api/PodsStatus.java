package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What the proxy pods serve, read from each Ready pod's admin /status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodsStatus {

  /** At most this many pods are listed in {@link #items}; the counts cover all of them. */
  public static final int MAX_ITEMS = 20;

  @JsonPropertyDescription("Proxy pods, not counting those being deleted.")
  public Integer total;

  @JsonPropertyDescription("Proxy pods that are Ready.")
  public Integer ready;

  @JsonPropertyDescription(
      "Ready proxy pods that serve the desired configuration (status.configHash) and certificate"
          + " (status.certificate.serial).")
  public Integer current;

  @JsonPropertyDescription(
      "Each proxy pod (the first 20 by name) with what its admin /status reports.")
  public List<PodServedStatus> items = new ArrayList<>();
}
