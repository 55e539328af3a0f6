package io.akproxy.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One hardened reverse proxy in front of an authentik server. */
@Group(AuthentikProxy.GROUP)
@Version(AuthentikProxy.VERSION)
@Plural("authentikproxies")
@ShortNames("akp")
// kubectl prints the columns in the CRD's order, which the build sets (PrinterColumns.java in
// operator/src/build, run after the generator, which sorts them by JSON path): NAME, READY,
// HOSTS, REPLICAS, CERT-EXPIRES, AGE, and with -o wide UPSTREAM and REASON.
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    getDescription =
        "Whether every Ready proxy pod serves the current specification, configuration and"
            + " certificate")
// status.hosts, not spec.hosts: a list prints as JSON (["sso.example.com"]), the status field is
// the same hosts joined by commas.
@AdditionalPrinterColumn(
    name = "Hosts",
    jsonPath = ".status.hosts",
    getDescription = "Host names the proxy answers for")
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".status.replicaSummary",
    getDescription = "Ready proxy pods / desired proxy pods")
// A string, not a date: kubectl prints a date column as the time since it, and "<invalid>" for
// every time in the future, which a valid certificate's notAfter always is.
@AdditionalPrinterColumn(
    name = "Cert-Expires",
    jsonPath = ".status.certificate.notAfter",
    getDescription = "When the served certificate expires")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Upstream",
    jsonPath = ".status.upstream",
    priority = 1,
    getDescription = "The authentik URL the proxy forwards to")
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    priority = 1,
    getDescription = "Ready's reason: what stands in the way when it is not True")
// The children are named <name>-proxy and labelled with the name: a DNS-1035 label of at most 57
// characters keeps <name>-proxy a valid Service name (63) and label value.
@ValidationRule(
    value =
        "size(self.metadata.name) <= 57 && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
    message =
        "metadata.name must be at most 57 lower-case letters, digits and '-', starting with a"
            + " letter and ending with a letter or digit, so that <name>-proxy is a valid Service"
            + " name")
public class AuthentikProxy extends CustomResource<AuthentikProxySpec, AuthentikProxyStatus>
    implements Namespaced {

  public static final String GROUP = "akproxy.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "AuthentikProxy";

  // Required, so an apply without spec is rejected at admission rather than reported later.
  @Override
  @Required
  public AuthentikProxySpec getSpec() {
    return super.getSpec();
  }
}
