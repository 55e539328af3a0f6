package io.akproxy.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD: fresh, installable, and carrying the admission-time rules a GitOps tool relies
 * on to see a rejected apply instead of a broken proxy.
 */
class CrdTest {

  static final String FILE = "authentikproxies.akproxy.io-v1.yml";
  static final Path COMMITTED = Path.of("..", "crds", FILE);
  static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8", FILE);

  static CustomResourceDefinition crd() throws IOException {
    return new KubernetesSerialization()
        .unmarshal(Files.readString(COMMITTED), CustomResourceDefinition.class);
  }

  static JSONSchemaProps spec() throws IOException {
    return version().getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  static CustomResourceDefinitionVersion version() throws IOException {
    return crd().getSpec().getVersions().get(0);
  }

  @Test
  void theCommittedCrdIsTheFreshlyGeneratedOne() throws IOException {
    assertThat(GENERATED).exists();
    assertThat(Files.readString(COMMITTED))
        .as("crds/%s is stale: run `make crds` and commit the result", FILE)
        .isEqualTo(Files.readString(GENERATED));
  }

  @Test
  void namesScopeAndSubresourcesAreThoseTheOperatorUses() throws IOException {
    CustomResourceDefinition crd = crd();
    assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.getMetadata().getName()).isEqualTo("authentikproxies.akproxy.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo("akproxy.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("AuthentikProxy");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("authentikproxies");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("akp");
    CustomResourceDefinitionVersion version = version();
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getServed()).isTrue();
    assertThat(version.getStorage()).isTrue();
    assertThat(version.getSubresources().getStatus()).isNotNull();
  }

  @Test
  void printerColumnsComeInTheOrderAUserScansThemWithUpstreamAndReasonOnlyWide()
      throws IOException {
    List<CustomResourceColumnDefinition> columns = version().getAdditionalPrinterColumns();
    assertThat(columns)
        .extracting(c -> c.getName() + " " + c.getJsonPath() + " " + c.getType())
        .as("kubectl prints them in this order (the build orders them: PrinterColumns.java)")
        .containsExactly(
            "Ready .status.conditions[?(@.type==\"Ready\")].status string",
            "Hosts .status.hosts string",
            "Replicas .status.replicaSummary string",
            "Cert-Expires .status.certificate.notAfter string",
            "Age .metadata.creationTimestamp date",
            "Upstream .status.upstream string",
            "Reason .status.conditions[?(@.type==\"Ready\")].reason string");
    assertThat(columns)
        .extracting(c -> c.getName() + " " + c.getPriority())
        .containsExactly(
            "Ready 0",
            "Hosts 0",
            "Replicas 0",
            "Cert-Expires 0",
            "Age 0",
            "Upstream 1",
            "Reason 1");
    // Every column reads a field the status actually has.
    JSONSchemaProps status =
        version().getSchema().getOpenAPIV3Schema().getProperties().get("status");
    assertThat(status.getProperties())
        .containsKeys("hosts", "upstream", "replicaSummary", "conditions");
    assertThat(status.getProperties().get("hosts").getType()).isEqualTo("string");
    assertThat(status.getProperties().get("certificate").getProperties()).containsKey("notAfter");
  }

  @Test
  void requiredFieldsEnumsAndPortRangesAreEnforcedBySchema() throws IOException {
    JSONSchemaProps spec = spec();
    assertThat(version().getSchema().getOpenAPIV3Schema().getRequired()).contains("spec");
    assertThat(spec.getRequired()).containsExactlyInAnyOrder("hosts", "upstream", "tls");
    JSONSchemaProps hosts = spec.getProperties().get("hosts");
    assertThat(hosts.getMinItems()).isEqualTo(1L);
    JSONSchemaProps tls = spec.getProperties().get("tls");
    assertThat(tls.getRequired()).containsExactly("secretName");
    assertThat(tls.getProperties().get("minVersion").getEnum())
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    assertThat(tls.getProperties().get("minVersion").getDefault().asText()).isEqualTo("TLSv1.3");
    JSONSchemaProps service = spec.getProperties().get("service");
    for (String port : List.of("httpsPort", "httpPort")) {
      assertThat(service.getProperties().get(port).getMinimum()).isEqualTo(1.0);
      assertThat(service.getProperties().get(port).getMaximum()).isEqualTo(65535.0);
    }
    assertThat(service.getProperties().get("type").getEnum())
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder("ClusterIP", "NodePort", "LoadBalancer");
    assertThat(
            spec.getProperties()
                .get("websocket")
                .getProperties()
                .get("idleTimeoutSeconds")
                .getMinimum())
        .as("above authentik's 10 s outpost HELLO")
        .isEqualTo(11.0);
  }

  @Test
  void celRulesCheckCidrsTheUpstreamChoiceHostsAndThePath() throws IOException {
    JSONSchemaProps spec = spec();
    assertThat(rules(spec.getProperties().get("trustedProxyCIDRs")))
        .anyMatch(r -> r.contains("isCIDR("));
    assertThat(rules(spec.getProperties().get("upstream")))
        .contains("has(self.service) != has(self.url)");
    assertThat(rules(spec.getProperties().get("hosts"))).anyMatch(r -> r.contains("h.matches("));
    assertThat(rules(spec.getProperties().get("path")))
        .anyMatch(r -> r.contains("self.startsWith('/')") && r.contains("self.endsWith('/')"));
    assertThat(rules(spec))
        .anyMatch(r -> r.contains("trustedProxyCIDRs") && r.contains("proxyProtocol"));
    assertThat(
            rules(
                spec.getProperties()
                    .get("service")
                    .getProperties()
                    .get("loadBalancerSourceRanges")))
        .anyMatch(r -> r.contains("isCIDR("));
  }

  /**
   * What the API server demands before it installs a CRD: a structural schema (every node typed),
   * and CEL rules whose estimated cost is bounded, which needs maxItems on the lists and maxLength
   * on the strings they iterate over.
   */
  @Test
  void theSchemaIsStructuralAndEveryCelRuleHasBoundedInput() throws IOException {
    List<String> problems = new ArrayList<>();
    walk("spec", spec(), problems);
    walk(
        "status",
        version().getSchema().getOpenAPIV3Schema().getProperties().get("status"),
        problems);
    assertThat(problems).isEmpty();
  }

  private static void walk(String path, JSONSchemaProps node, List<String> problems) {
    boolean intOrString = Boolean.TRUE.equals(node.getXKubernetesIntOrString());
    boolean preserve = Boolean.TRUE.equals(node.getXKubernetesPreserveUnknownFields());
    if (node.getType() == null && !intOrString && !preserve) {
      problems.add(path + " has no type");
    }
    if (!node.getXKubernetesValidations().isEmpty()) {
      if ("array".equals(node.getType())) {
        if (node.getMaxItems() == null) {
          problems.add(path + " has CEL rules but no maxItems");
        }
        JSONSchemaProps items = node.getItems().getSchema();
        if ("string".equals(items.getType()) && items.getMaxLength() == null) {
          problems.add(path + "[] has CEL rules but no maxLength");
        }
      }
      if ("string".equals(node.getType()) && node.getMaxLength() == null) {
        problems.add(path + " has CEL rules but no maxLength");
      }
    }
    node.getProperties().forEach((name, child) -> walk(path + "." + name, child, problems));
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      walk(path + "[]", node.getItems().getSchema(), problems);
    }
    if (node.getAdditionalProperties() != null
        && node.getAdditionalProperties().getSchema() != null) {
      walk(path + "{}", node.getAdditionalProperties().getSchema(), problems);
    }
  }

  static List<String> rules(JSONSchemaProps node) {
    return node.getXKubernetesValidations().stream().map(ValidationRule::getRule).toList();
  }
}
