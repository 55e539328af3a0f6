package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** The Service in front of the proxy pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.externalTrafficPolicy) || (has(self.type) && self.type != 'ClusterIP')",
    message = "externalTrafficPolicy needs type NodePort or LoadBalancer")
@ValidationRule(
    value =
        "!has(self.loadBalancerSourceRanges) || size(self.loadBalancerSourceRanges) == 0"
            + " || (has(self.type) && self.type == 'LoadBalancer')",
    message = "loadBalancerSourceRanges needs type LoadBalancer")
@ValidationRule(
    value =
        "(has(self.httpsPort) ? self.httpsPort : 443) != (has(self.httpPort) ? self.httpPort : 80)",
    message = "httpsPort and httpPort must differ")
@ValidationRule(
    value =
        "!has(self.ipFamilies) || size(self.ipFamilies) < 2"
            + " || self.ipFamilies[0] != self.ipFamilies[1]",
    message = "ipFamilies must not name the same family twice")
@ValidationRule(
    value =
        "!has(self.ipFamilies) || size(self.ipFamilies) < 2"
            + " || (has(self.ipFamilyPolicy) && self.ipFamilyPolicy != 'SingleStack')",
    message = "two ipFamilies need ipFamilyPolicy PreferDualStack or RequireDualStack")
public class ServiceSpec {

  public static final int DEFAULT_HTTPS_PORT = 443;
  public static final int DEFAULT_HTTP_PORT = 80;

  @Default("ClusterIP")
  @JsonPropertyDescription("ClusterIP (default), NodePort or LoadBalancer.")
  public ServiceType type;

  @JsonPropertyDescription(
      "Annotations on the Service, e.g. for the cloud load balancer (PROXY protocol, internal).")
  public Map<String, String> annotations;

  @Default("" + DEFAULT_HTTPS_PORT)
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("The Service's HTTPS port. Default 443.")
  public Integer httpsPort;

  @Default("" + DEFAULT_HTTP_PORT)
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription(
      "The Service's HTTP port (redirects to HTTPS; absent when httpRedirect is false)."
          + " Default 80.")
  public Integer httpPort;

  @JsonPropertyDescription(
      "Cluster or Local. Local keeps the client's address without a load-balancer hop (NodePort"
          + " and LoadBalancer only). Default: the cluster's (Cluster).")
  public ExternalTrafficPolicy externalTrafficPolicy;

  @Size(max = 64)
  @ValidationRule(
      value = "self.all(c, isCIDR(c))",
      message = "every loadBalancerSourceRanges entry must be a CIDR such as 203.0.113.0/24")
  @JsonPropertyDescription("Client networks the cloud load balancer admits (LoadBalancer only).")
  public List<@Size(max = 64) String> loadBalancerSourceRanges;

  @JsonPropertyDescription(
      "SingleStack, PreferDualStack or RequireDualStack, passed to the Service. Default: the"
          + " cluster's (SingleStack).")
  public IpFamilyPolicy ipFamilyPolicy;

  @Size(max = 2)
  @JsonPropertyDescription(
      "IPv4 and/or IPv6, the first the Service's primary family (it cannot change once the"
          + " Service exists), passed to the Service. Default: the cluster's.")
  public List<IpFamily> ipFamilies;
}
