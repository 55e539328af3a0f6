package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.akproxy.config.Shutdown;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How a proxy pod stops: rollouts, node drains and scale-downs drop no request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShutdownSpec {

  public static final int DEFAULT_DELAY_SECONDS = Shutdown.DEFAULT_DELAY_SECONDS;

  @Default("" + DEFAULT_DELAY_SECONDS)
  @Min(0)
  @Max(300)
  @JsonPropertyDescription(
      "After SIGTERM the pod's /readyz answers 503 at once, but it keeps accepting and serving"
          + " for this long: kube-proxy and cloud load balancers learn of the endpoint's removal"
          + " seconds later and keep sending new connections until then. Then it stops"
          + " accepting and lets in-flight requests finish. 0: stop accepting at once. Changing"
          + " it rolls the pods (their terminationGracePeriodSeconds follows it). Default "
          + DEFAULT_DELAY_SECONDS
          + ".")
  public Integer delaySeconds;
}
