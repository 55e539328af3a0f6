package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.NetworkPolicySpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetworkPolicyModelTest {

  private static final String SERVICE_URL =
      "https://authentik-server.authentik.svc.cluster.local:443";

  private static AuthentikProxy proxy(NetworkPolicySpec policy) {
    AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
    proxy.getSpec().networkPolicy = policy;
    return proxy;
  }

  private static Service authentikWithSelector() {
    return new ServiceBuilder(TestResources.authentikService("authentik"))
        .editSpec()
        .withSelector(
            Map.of("app.kubernetes.io/name", "authentik", "app.kubernetes.io/component", "server"))
        .endSpec()
        .build();
  }

  private static List<String> ports(List<NetworkPolicyPort> ports) {
    return ports.stream().map(p -> p.getProtocol() + "/" + p.getPort().getValue()).toList();
  }

  private static final String OPERATOR_NS = "akproxy-system";

  @Test
  void noPolicyUnlessAsked() {
    assertThat(NetworkPolicyModel.build(proxy(null), SERVICE_URL, Optional.empty(), OPERATOR_NS))
        .isEmpty();
  }

  @Test
  void httpsAndHttpAreOpenAndTheAdminPortOnlyFromTheOperatorsAndTheNamedNamespaces() {
    NetworkPolicySpec spec = new NetworkPolicySpec();
    spec.adminFromNamespaces = List.of("monitoring");
    NetworkPolicy policy =
        NetworkPolicyModel.build(
                proxy(spec), SERVICE_URL, Optional.of(authentikWithSelector()), OPERATOR_NS)
            .orElseThrow();
    assertThat(policy.getMetadata().getName()).isEqualTo("sso-proxy");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(Names.selectorLabels(proxy(spec)));
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    var open = policy.getSpec().getIngress().get(0);
    assertThat(open.getFrom()).as("from anywhere").isEmpty();
    assertThat(ports(open.getPorts())).containsExactly("TCP/8443", "TCP/8080");
    var admin = policy.getSpec().getIngress().get(1);
    assertThat(ports(admin.getPorts())).containsExactly("TCP/9000");
    assertThat(admin.getFrom())
        .as("the operator reads each pod's /status; the user named monitoring")
        .extracting(peer -> peer.getNamespaceSelector().getMatchLabels())
        .containsExactly(
            Map.of("kubernetes.io/metadata.name", OPERATOR_NS),
            Map.of("kubernetes.io/metadata.name", "monitoring"));
  }

  @Test
  void egressGoesToDnsAndTheUpstreamServicesPodsOnTheirTargetPort() {
    NetworkPolicy policy =
        NetworkPolicyModel.build(
                proxy(new NetworkPolicySpec()),
                SERVICE_URL,
                Optional.of(authentikWithSelector()),
                OPERATOR_NS)
            .orElseThrow();
    assertThat(policy.getSpec().getIngress().get(1).getFrom())
        .as("admin access by default: the operator only")
        .extracting(peer -> peer.getNamespaceSelector().getMatchLabels())
        .containsExactly(Map.of("kubernetes.io/metadata.name", OPERATOR_NS));
    var dns = policy.getSpec().getEgress().get(0);
    assertThat(ports(dns.getPorts())).containsExactly("UDP/53", "TCP/53");
    var upstream = policy.getSpec().getEgress().get(1);
    assertThat(upstream.getTo())
        .singleElement()
        .satisfies(
            peer ->
                assertThat(peer.getPodSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/component", "server"));
    assertThat(ports(upstream.getPorts())).containsExactly("TCP/9443");
  }

  @Test
  void anExternalUpstreamIsReachedOnItsPortInTheGivenNetworks() {
    NetworkPolicySpec spec = new NetworkPolicySpec();
    spec.upstreamCIDRs = List.of("10.20.0.0/16");
    var upstream =
        NetworkPolicyModel.build(
                proxy(spec), "https://authentik.internal:9443", Optional.empty(), OPERATOR_NS)
            .orElseThrow()
            .getSpec()
            .getEgress()
            .get(1);
    assertThat(upstream.getTo())
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("10.20.0.0/16");
    assertThat(ports(upstream.getPorts())).containsExactly("TCP/9443");

    var anywhere =
        NetworkPolicyModel.build(
                proxy(new NetworkPolicySpec()),
                "https://authentik.internal",
                Optional.empty(),
                OPERATOR_NS)
            .orElseThrow()
            .getSpec()
            .getEgress()
            .get(1);
    assertThat(anywhere.getTo())
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("0.0.0.0/0", "::/0");
    assertThat(ports(anywhere.getPorts())).containsExactly("TCP/443");
  }
}
