package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed. Written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuthentikProxyStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription(
      "Ready, Accepted, TLSReady, UpstreamResolved, Available, ConfigApplied, Reconciling and"
          + " Stalled, in Kubernetes' condition shape with typed reasons (see docs/resource.md).")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Desired proxy pods.")
  public Integer replicas;

  @JsonPropertyDescription("Proxy pods that are ready.")
  public Integer readyReplicas;

  @JsonPropertyDescription("readyReplicas/replicas, for kubectl get.")
  public String replicaSummary;

  @JsonPropertyDescription("The URL users reach authentik at, from the first host and the path.")
  public String url;

  @JsonPropertyDescription("The authentik URL the proxy forwards to.")
  public String upstream;

  @JsonPropertyDescription("The load balancer's IP addresses or host names, when it has any.")
  public List<String> loadBalancerAddresses;

  @JsonPropertyDescription(
      "The HorizontalPodAutoscaler that owns the replica count, while spec.autoscaling is set.")
  public String autoscaler;

  @JsonPropertyDescription("The NetworkPolicy of the proxy pods, while spec.networkPolicy is set.")
  public String networkPolicy;

  @JsonPropertyDescription(
      "The desired state: sha256 of the rendered proxy.json the operator gave the pods (what each"
          + " pod serves is in pods; ConfigApplied says whether they all do).")
  public String configHash;

  @JsonPropertyDescription(
      "The desired state: the certificate the operator gave the pods (its validated copy of the TLS"
          + " Secret); what each pod serves is in pods.")
  public CertificateStatus certificate;

  @JsonPropertyDescription(
      "The proxy pods and what each serves, read from its admin /status: counts and, per pod, the"
          + " config hash, certificate serial and last reload error.")
  public PodsStatus pods;

  @JsonPropertyDescription(
      "spec.hosts joined by commas: the hosts as text (a list prints as JSON in kubectl get).")
  public String hosts;

  /** A copy whose fields can be replaced without touching this one (conditions are shared). */
  public AuthentikProxyStatus copy() {
    AuthentikProxyStatus copy = new AuthentikProxyStatus();
    copy.observedGeneration = observedGeneration;
    copy.conditions = conditions == null ? null : new ArrayList<>(conditions);
    copy.replicas = replicas;
    copy.readyReplicas = readyReplicas;
    copy.replicaSummary = replicaSummary;
    copy.url = url;
    copy.hosts = hosts;
    copy.upstream = upstream;
    copy.loadBalancerAddresses = loadBalancerAddresses;
    copy.autoscaler = autoscaler;
    copy.networkPolicy = networkPolicy;
    copy.configHash = configHash;
    copy.certificate = certificate;
    copy.pods = pods;
    return copy;
  }
}
