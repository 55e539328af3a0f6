package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

/**
 * What the user asks for. Fields left out take the defaults of authentik's own nginx example; the
 * same defaults are declared in the CRD (applied by the API server) and here (applied by the model,
 * for objects that never went through an API server).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.proxyProtocol) || !self.proxyProtocol"
            + " || (has(self.trustedProxyCIDRs) && size(self.trustedProxyCIDRs) > 0)",
    message =
        "proxyProtocol needs trustedProxyCIDRs: a PROXY header is only believed from a"
            + " trusted peer")
// The autoscaler computes CPU use as a share of the pods' CPU request; without one it can never
// scale (FailedGetResourceMetric). Left out, resources default to a 100m request; a CPU limit
// alone is copied into the request by the API server.
@ValidationRule(
    value =
        "!has(self.autoscaling) || !has(self.resources)"
            + " || ((!has(self.resources.requests) || size(self.resources.requests) == 0)"
            + " && (!has(self.resources.limits) || size(self.resources.limits) == 0))"
            + " || (has(self.resources.requests) && 'cpu' in self.resources.requests)"
            + " || (has(self.resources.limits) && 'cpu' in self.resources.limits)",
    message =
        "autoscaling scales on CPU use relative to the pods' CPU request: set"
            + " resources.requests.cpu, or leave resources out (default request 100m)")
public class AuthentikProxySpec {

  public static final int DEFAULT_REPLICAS = 2;
  public static final String DEFAULT_PATH = "/";

  /** A lower-case RFC 1123 name, optionally with one leading wildcard label. */
  static final String SERVER_NAME_REGEX =
      "^(\\\\*\\\\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$";

  @Required
  @Size(min = 1, max = 32)
  @ValidationRule(
      value = "self.all(h, h.matches('" + SERVER_NAME_REGEX + "'))",
      message =
          "every host must be a lower-case DNS name such as sso.example.com or" + " *.example.com")
  @ValidationRule(
      value = "self.all(h, self.exists_one(o, o == h))",
      message = "hosts must not repeat")
  @JsonPropertyDescription(
      "Host names the proxy answers for (TLS server names). The first one is canonical: it is"
          + " used in status.url. The TLS certificate must cover every one of them.")
  public List<@Size(max = 253) String> hosts;

  @Required
  @JsonPropertyDescription("Where authentik is: a Service in this namespace, or a URL.")
  public UpstreamSpec upstream;

  @Required
  @JsonPropertyDescription("Client-facing TLS: the certificate Secret, protocol version, HSTS.")
  public TlsSpec tls;

  @Default("true")
  @JsonPropertyDescription(
      "Answer plain HTTP with a 301 redirect to HTTPS (Service port http). When false, no"
          + " plain-HTTP listener is opened at all. Default true.")
  public Boolean httpRedirect;

  @Default(DEFAULT_PATH)
  @Size(max = 256)
  @ValidationRule(
      value = "self.startsWith('/') && self.endsWith('/') && !self.contains('//')",
      message = "path must start and end with / and contain no empty segment, e.g. /authentik/")
  @JsonPropertyDescription(
      "authentik's web path (AUTHENTIK_WEB__PATH), e.g. /authentik/. Starts and ends with /."
          + " Default /.")
  public String path;

  @JsonProperty("trustedProxyCIDRs")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(c, isCIDR(c))",
      message = "every trustedProxyCIDRs entry must be a CIDR such as 10.0.0.0/8 or fd00::/8")
  @JsonPropertyDescription(
      "Peers (e.g. the cloud load balancer) whose X-Forwarded-For chain and PROXY header are"
          + " believed. From any other peer client-sent forwarding headers are dropped. Default"
          + " none.")
  public List<@Size(max = 64) String> trustedProxyCIDRs;

  @Default("false")
  @JsonPropertyDescription(
      "Accept PROXY protocol v1/v2 on the HTTPS and HTTP listeners, believed only from"
          + " trustedProxyCIDRs. Default false.")
  public Boolean proxyProtocol;

  @JsonPropertyDescription("WebSocket tunnels (/ws/client/, outposts).")
  public WebSocketSpec websocket;

  @JsonPropertyDescription("How a proxy pod stops, so rollouts and scale-downs drop no request.")
  public ShutdownSpec shutdown;

  @Default("" + DEFAULT_REPLICAS)
  @Min(0)
  @Max(100)
  @JsonPropertyDescription(
      "Proxy pods. A PodDisruptionBudget is created when more than one. Default "
          + DEFAULT_REPLICAS
          + ".")
  public Integer replicas;

  @JsonPropertyDescription(
      "Scale the proxy pods on CPU with a HorizontalPodAutoscaler, which then owns the replica"
          + " count: spec.replicas is ignored while this is set, and the operator never resets"
          + " the count the autoscaler chose.")
  public AutoscalingSpec autoscaling;

  @JsonPropertyDescription(
      "When set, a NetworkPolicy for the proxy pods: HTTPS and HTTP open, the admin port only"
          + " from the namespaces named, egress only to authentik and DNS.")
  public NetworkPolicySpec networkPolicy;

  @Size(max = 512)
  @JsonPropertyDescription(
      "The proxy runtime image; default: the operator's (AKPROXY_RUNTIME_IMAGE). Changing it"
          + " rolls the pods.")
  public String image;

  @JsonPropertyDescription(
      "CPU and memory of the proxy container. Default: requests cpu 100m, memory 192Mi;"
          + " limits memory 512Mi.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("The Service in front of the proxy pods.")
  public ServiceSpec service;

  @JsonPropertyDescription("Node labels the proxy pods must run on.")
  public Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the proxy pods.")
  public List<Toleration> tolerations;

  @JsonPropertyDescription("Affinity of the proxy pods.")
  public Affinity affinity;

  @JsonPropertyDescription(
      "Topology spread of the proxy pods. Default with more than one replica: spread across"
          + " nodes and zones where possible (ScheduleAnyway).")
  public List<TopologySpreadConstraint> topologySpreadConstraints;

  @JsonPropertyDescription(
      "Extra annotations on the proxy pods (e.g. for a metrics scraper). Changing them rolls"
          + " the pods.")
  public Map<String, String> podAnnotations;
}
