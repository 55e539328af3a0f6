package io.akproxy.operator.model;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.NetworkPolicySpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The proxy pods' NetworkPolicy. Ingress: HTTPS and HTTP from anywhere (the proxy is the entry
 * point), the admin port only from the operator's namespace (it reads each pod's /status) and the
 * namespaces the user names. Egress: DNS, and authentik: the upstream Service's pods on its target
 * port, or the upstream URL's port on the given networks.
 */
public final class NetworkPolicyModel {

  /** Set by Kubernetes on every namespace since 1.22: selects a namespace by its name. */
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private NetworkPolicyModel() {}

  /**
   * @param operatorNamespace the operator's own namespace, always admitted to the admin port: the
   *     operator reads each pod's /status there
   */
  public static Optional<NetworkPolicy> build(
      AuthentikProxy proxy,
      String upstreamUrl,
      Optional<Service> upstreamService,
      String operatorNamespace) {
    NetworkPolicySpec spec = proxy.getSpec().networkPolicy;
    if (spec == null) {
      return Optional.empty();
    }
    List<NetworkPolicyIngressRule> ingress = new ArrayList<>();
    ingress.add(
        new NetworkPolicyIngressRuleBuilder()
            .withPorts(
                tcp(new IntOrString(Names.CONTAINER_HTTPS_PORT)),
                tcp(new IntOrString(Names.CONTAINER_HTTP_PORT)))
            .build());
    Set<String> adminNamespaces = new LinkedHashSet<>();
    if (operatorNamespace != null) {
      adminNamespaces.add(operatorNamespace);
    }
    if (spec.adminFromNamespaces != null) {
      adminNamespaces.addAll(spec.adminFromNamespaces);
    }
    if (!adminNamespaces.isEmpty()) {
      ingress.add(
          new NetworkPolicyIngressRuleBuilder()
              .withFrom(adminNamespaces.stream().map(NetworkPolicyModel::namespace).toList())
              .withPorts(tcp(new IntOrString(Names.CONTAINER_ADMIN_PORT)))
              .build());
    }
    List<NetworkPolicyEgressRule> egress = new ArrayList<>();
    egress.add(
        new NetworkPolicyEgressRuleBuilder()
            .withPorts(port("UDP", new IntOrString(53)), port("TCP", new IntOrString(53)))
            .build());
    egress.add(upstream(proxy, spec, upstreamUrl, upstreamService));
    return Optional.of(
        new NetworkPolicyBuilder()
            .withMetadata(ChildrenModel.metadata(proxy))
            .withNewSpec()
            .withNewPodSelector()
            .withMatchLabels(Names.selectorLabels(proxy))
            .endPodSelector()
            .withPolicyTypes("Ingress", "Egress")
            .withIngress(ingress)
            .withEgress(egress)
            .endSpec()
            .build());
  }

  private static NetworkPolicyEgressRule upstream(
      AuthentikProxy proxy,
      NetworkPolicySpec spec,
      String upstreamUrl,
      Optional<Service> upstreamService) {
    Optional<ServicePort> servicePort =
        upstreamService.flatMap(service -> servicePort(proxy, service));
    Map<String, String> selector =
        upstreamService
            .map(s -> s.getSpec() == null ? null : s.getSpec().getSelector())
            .orElse(null);
    if (servicePort.isPresent() && selector != null && !selector.isEmpty()) {
      // Policies see pod addresses after the Service's translation: allow its pods' port.
      IntOrString target =
          servicePort.get().getTargetPort() != null
              ? servicePort.get().getTargetPort()
              : new IntOrString(servicePort.get().getPort());
      return new NetworkPolicyEgressRuleBuilder()
          .withTo(
              new NetworkPolicyPeerBuilder()
                  .withNewPodSelector()
                  .withMatchLabels(selector)
                  .endPodSelector()
                  .build())
          .withPorts(tcp(target))
          .build();
    }
    int port = URI.create(upstreamUrl).getPort();
    if (port < 0) {
      port = upstreamUrl.startsWith("https") ? 443 : 80;
    }
    List<String> cidrs =
        spec.upstreamCIDRs == null || spec.upstreamCIDRs.isEmpty()
            ? List.of("0.0.0.0/0", "::/0")
            : spec.upstreamCIDRs;
    return new NetworkPolicyEgressRuleBuilder()
        .withTo(
            cidrs.stream()
                .map(
                    c ->
                        new NetworkPolicyPeerBuilder()
                            .withNewIpBlock()
                            .withCidr(c)
                            .endIpBlock()
                            .build())
                .toList())
        .withPorts(tcp(new IntOrString(port)))
        .build();
  }

  private static Optional<ServicePort> servicePort(AuthentikProxy proxy, Service service) {
    var ref = SpecDefaults.upstream(proxy).service;
    if (ref == null || ref.port == null || service.getSpec() == null) {
      return Optional.empty();
    }
    return service.getSpec().getPorts().stream()
        .filter(
            p ->
                ref.port.getIntVal() != null
                    ? ref.port.getIntVal().equals(p.getPort())
                    : ref.port.getStrVal().equals(p.getName()))
        .findFirst();
  }

  private static NetworkPolicyPeer namespace(String name) {
    return new NetworkPolicyPeerBuilder()
        .withNewNamespaceSelector()
        .withMatchLabels(Map.of(NAMESPACE_NAME_LABEL, name))
        .endNamespaceSelector()
        .build();
  }

  private static NetworkPolicyPort tcp(IntOrString port) {
    return port("TCP", port);
  }

  private static NetworkPolicyPort port(String protocol, IntOrString port) {
    return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(port).build();
  }
}
