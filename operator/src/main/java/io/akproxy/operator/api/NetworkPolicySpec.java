package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * A NetworkPolicy for the proxy pods: HTTPS and HTTP open to all, the admin port only from named
 * namespaces, egress only to authentik and DNS.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkPolicySpec {

  @Size(max = 32)
  @ValidationRule(
      value = "self.all(n, n.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'))",
      message = "adminFromNamespaces must be namespace names")
  @JsonPropertyDescription(
      "Namespaces (e.g. monitoring) whose pods may reach the admin port (9000: /metrics,"
          + " /status). Default none: only the kubelet's probes reach it.")
  public List<@Size(max = 63) String> adminFromNamespaces;

  @JsonProperty("upstreamCIDRs")
  @Size(max = 32)
  @ValidationRule(
      value = "self.all(c, isCIDR(c))",
      message = "every upstreamCIDRs entry must be a CIDR such as 10.20.0.0/16")
  @JsonPropertyDescription(
      "With upstream.url: the networks authentik is in (egress is open to them on the URL's"
          + " port). Default: anywhere on that port. With upstream.service, egress goes to the"
          + " Service's pods and this is not used.")
  public List<@Size(max = 64) String> upstreamCIDRs;
}
