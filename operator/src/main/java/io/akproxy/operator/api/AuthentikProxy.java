package io.akproxy.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
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
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    getDescription = "Whether the proxy serves traffic with the current specification")
@AdditionalPrinterColumn(
    name = "Hosts",
    jsonPath = ".spec.hosts",
    getDescription = "Host names the proxy answers for")
@AdditionalPrinterColumn(
    name = "Upstream",
    jsonPath = ".status.upstream",
    getDescription = "The authentik URL the proxy forwards to")
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".status.replicaSummary",
    getDescription = "Ready proxy pods / desired proxy pods")
@AdditionalPrinterColumn(
    name = "Cert-Expires",
    jsonPath = ".status.certificate.notAfter",
    getDescription = "When the served certificate expires")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
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
