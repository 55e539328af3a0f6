package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.ProxyConfig;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.ExternalTrafficPolicy;
import io.akproxy.operator.api.HstsSpec;
import io.akproxy.operator.api.IpFamily;
import io.akproxy.operator.api.IpFamilyPolicy;
import io.akproxy.operator.api.ServiceSpec;
import io.akproxy.operator.api.ServiceType;
import io.akproxy.operator.api.UpstreamTlsSpec;
import io.akproxy.operator.api.WebSocketSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ChildrenModelTest {

  private static final String IMAGE = "ghcr.io/akproxy/proxy-runtime:0.1.0";
  private static final String UPSTREAM = "https://authentik-server.authentik.svc.cluster.local:443";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static AuthentikProxy proxy() {
    return TestResources.proxy("authentik", "sso");
  }

  static final TlsMaterial TLS =
      new TlsMaterial("CERTIFICATE PEM", "KEY PEM", java.util.Optional.of("CA PEM"));

  private static DesiredChildren build(AuthentikProxy proxy) {
    return ChildrenModel.build(
        proxy,
        ProxyConfigFactory.build(proxy, UPSTREAM),
        IMAGE,
        TLS,
        java.util.Optional.empty(),
        "akproxy-system");
  }

  /** Every child the model wants, optional ones included when present. */
  private static List<HasMetadata> everyChild(DesiredChildren children) {
    List<HasMetadata> all =
        new java.util.ArrayList<>(
            List.of(
                children.configMap(),
                children.tlsSecret(),
                children.deployment(),
                children.service(),
                children.serviceAccount()));
    children.podDisruptionBudget().ifPresent(all::add);
    children.autoscaler().ifPresent(all::add);
    children.networkPolicy().ifPresent(all::add);
    return all;
  }

  private static PodTemplateSpec template(AuthentikProxy proxy) {
    return build(proxy).deployment().getSpec().getTemplate();
  }

  @Test
  void thePodRunsUnderTheRestrictedPodSecurityStandard() {
    PodSpec pod = template(proxy()).getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getSecurityContext().getCapabilities().getAdd()).isEmpty();
    assertThat(build(proxy()).serviceAccount().getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void configTlsAndCaAreMountedAsWholeVolumesWithAWritableTmp() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().upstream.tls = new UpstreamTlsSpec();
    proxy.getSpec().upstream.tls.verify = true;
    proxy.getSpec().upstream.tls.caSecretName = "authentik-ca";
    PodSpec pod = template(proxy).getSpec();
    Container container = pod.getContainers().get(0);
    assertThat(container.getVolumeMounts())
        .extracting(VolumeMount::getMountPath)
        .containsExactly(
            "/etc/akproxy/config", "/etc/akproxy/tls", "/etc/akproxy/upstream-ca", "/tmp");
    // subPath mounts never see the kubelet's updates: the runtime would never reload.
    assertThat(container.getVolumeMounts()).allSatisfy(m -> assertThat(m.getSubPath()).isNull());
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> !m.getMountPath().equals("/tmp"))
        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue());
    Map<String, Volume> volumes =
        pod.getVolumes().stream()
            .collect(java.util.stream.Collectors.toMap(Volume::getName, v -> v));
    assertThat(volumes.get("config").getConfigMap().getName()).isEqualTo("sso-proxy");
    // Both from the operator's copy of the validated set, never from the user's Secrets.
    assertThat(volumes.get("tls").getSecret().getSecretName()).isEqualTo("sso-proxy-tls");
    assertThat(volumes.get("tls").getSecret().getItems())
        .extracting(k -> k.getKey() + "->" + k.getPath())
        .containsExactly("tls.crt->tls.crt", "tls.key->tls.key");
    assertThat(volumes.get("upstream-ca").getSecret().getSecretName()).isEqualTo("sso-proxy-tls");
    assertThat(volumes.get("upstream-ca").getSecret().getItems())
        .extracting(k -> k.getKey() + "->" + k.getPath())
        .containsExactly("ca.crt->ca.crt");
    assertThat(volumes.get("tmp").getEmptyDir()).isNotNull();
    assertThat(container.getArgs()).containsExactly("--config", "/etc/akproxy/config/proxy.json");
  }

  @Test
  void theTlsCopyHoldsTheValidatedCertificateKeyAndCa() {
    var copy = build(proxy()).tlsSecret();
    assertThat(copy.getMetadata().getName()).isEqualTo("sso-proxy-tls");
    assertThat(copy.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(copy.getData())
        .containsOnlyKeys("tls.crt", "tls.key", "ca.crt")
        .containsEntry("tls.crt", base64("CERTIFICATE PEM"))
        .containsEntry("tls.key", base64("KEY PEM"))
        .containsEntry("ca.crt", base64("CA PEM"));
    assertThat(copy.getMetadata().getLabels())
        .containsEntry(Names.LABEL_MANAGED_BY, "akproxy-operator");
    assertThat(copy.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getController()).isTrue());
    assertThat(ChildrenModelTest.TLS.toString()).doesNotContain("PEM");
  }

  private static String base64(String text) {
    return java.util.Base64.getEncoder()
        .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void portsAndProbesUseTheRuntimeListeners() {
    Container container = template(proxy()).getSpec().getContainers().get(0);
    assertThat(container.getPorts())
        .extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("https=8443", "http=8080", "admin=9000");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
    assertThat(container.getImage()).isEqualTo(IMAGE);
  }

  @Test
  void configurationOnlyChangesLeaveThePodTemplateAsItIs() {
    String before = JSON.asJson(template(proxy()));
    String configBefore = build(proxy()).configMap().getData().get(Names.CONFIG_KEY);
    List<Consumer<AuthentikProxy>> configOnly =
        List.of(
            p -> p.getSpec().trustedProxyCIDRs = List.of("10.0.0.0/8"),
            p -> p.getSpec().hosts = List.of("sso.example.com", "login.example.com"),
            p -> p.getSpec().path = "/authentik/",
            p -> {
              p.getSpec().tls.hsts = new HstsSpec();
              p.getSpec().tls.hsts.maxAgeSeconds = 300L;
            },
            p -> {
              p.getSpec().websocket = new WebSocketSpec();
              p.getSpec().websocket.idleTimeoutSeconds = 600;
            },
            p -> p.getSpec().upstream.keepAlive = 32,
            // The pods mount the operator's copy, whatever the user's Secret is called.
            p -> {
              p.getSpec().tls.secretName = "other-tls";
              p.getSpec().hosts = List.of("other.example.com");
            });
    for (Consumer<AuthentikProxy> change : configOnly) {
      AuthentikProxy changed = proxy();
      change.accept(changed);
      assertThat(build(changed).configMap().getData().get(Names.CONFIG_KEY))
          .as("the change reaches proxy.json")
          .isNotEqualTo(configBefore);
      assertThat(JSON.asJson(template(changed)))
          .as("the pod template stays the same: the runtime reloads live")
          .isEqualTo(before);
    }
  }

  @Test
  void theKubeletWaitsForTheShutdownDelayAndTheDrainBeforeItKillsAPod() {
    for (Integer delay : new Integer[] {null, 0, 20, 300}) {
      AuthentikProxy proxy = proxy();
      if (delay != null) {
        proxy.getSpec().shutdown = new io.akproxy.operator.api.ShutdownSpec();
        proxy.getSpec().shutdown.delaySeconds = delay;
      }
      ProxyConfig config = ProxyConfigFactory.build(proxy, UPSTREAM);
      var shutdown = config.shutdown();
      assertThat(shutdown.delaySeconds()).isEqualTo(delay == null ? 10 : delay);
      assertThat(template(proxy).getSpec().getTerminationGracePeriodSeconds())
          .as(
              "delay %s s, then %s s to drain",
              shutdown.delaySeconds(), shutdown.gracePeriodSeconds())
          .isGreaterThan((long) shutdown.delaySeconds() + shutdown.gracePeriodSeconds());
    }
  }

  @Test
  void listenerLevelChangesRollThePodsSinceTheRuntimeCannotReloadThem() {
    String before = JSON.asJson(template(proxy()));
    List<Consumer<AuthentikProxy>> listenerLevel =
        List.of(
            p -> p.getSpec().httpRedirect = false,
            p -> {
              p.getSpec().trustedProxyCIDRs = List.of("10.0.0.0/8");
              p.getSpec().proxyProtocol = true;
            },
            p -> p.getSpec().tls.http2 = false);
    for (Consumer<AuthentikProxy> change : listenerLevel) {
      AuthentikProxy changed = proxy();
      change.accept(changed);
      assertThat(
              template(changed)
                  .getMetadata()
                  .getAnnotations()
                  .get(ChildrenModel.LISTENER_SETTINGS_ANNOTATION))
          .isNotEqualTo(
              template(proxy())
                  .getMetadata()
                  .getAnnotations()
                  .get(ChildrenModel.LISTENER_SETTINGS_ANNOTATION));
      assertThat(JSON.asJson(template(changed))).isNotEqualTo(before);
    }
  }

  @Test
  void podLevelChangesChangeThePodTemplate() {
    String before = JSON.asJson(template(proxy()));
    List<Consumer<AuthentikProxy>> podLevel =
        List.of(
            p -> p.getSpec().image = "registry.example/akproxy:2",
            p ->
                p.getSpec().resources =
                    new ResourceRequirementsBuilder()
                        .addToLimits("memory", new Quantity("1Gi"))
                        .build(),
            p -> p.getSpec().nodeSelector = Map.of("kubernetes.io/os", "linux"),
            p -> p.getSpec().podAnnotations = Map.of("prometheus.io/scrape", "true"));
    for (Consumer<AuthentikProxy> change : podLevel) {
      AuthentikProxy changed = proxy();
      change.accept(changed);
      assertThat(JSON.asJson(template(changed))).isNotEqualTo(before);
    }
  }

  @Test
  void theConfigMapCarriesTheRenderedConfigAndItsHash() {
    AuthentikProxy proxy = proxy();
    ProxyConfig config = ProxyConfigFactory.build(proxy, UPSTREAM);
    DesiredChildren children =
        ChildrenModel.build(
            proxy, config, IMAGE, TLS, java.util.Optional.empty(), "akproxy-system");
    assertThat(children.configMap().getData()).containsOnlyKeys("proxy.json");
    assertThat(children.configMap().getData().get("proxy.json")).isEqualTo(config.render());
    assertThat(children.configMap().getMetadata().getAnnotations())
        .containsEntry(ChildrenModel.CONFIG_HASH_ANNOTATION, config.hash());
  }

  @Test
  void everyChildRecordsTheAnnotationsTheOperatorSetOnIt() {
    // An update removes from the cluster's copy exactly the recorded keys the model no longer
    // sets (a key dropped from spec.service.annotations), never another writer's (ChildUpdate).
    AuthentikProxy proxy = proxy();
    proxy.getSpec().autoscaling = new io.akproxy.operator.api.AutoscalingSpec();
    proxy.getSpec().autoscaling.maxReplicas = 4;
    proxy.getSpec().networkPolicy = new io.akproxy.operator.api.NetworkPolicySpec();
    proxy.getSpec().service = new ServiceSpec();
    proxy.getSpec().service.annotations = Map.of("example.com/lb", "internal");
    proxy.getSpec().podAnnotations = Map.of("prometheus.io/scrape", "true");
    DesiredChildren children = build(proxy);
    List<HasMetadata> all = everyChild(children);
    assertThat(all).hasSize(8);
    for (var child : all) {
      assertThat(OwnedAnnotations.recorded(child.getMetadata(), OwnedAnnotations.METADATA))
          .as(child.getKind())
          .isEqualTo(child.getMetadata().getAnnotations().keySet());
    }
    assertThat(
            OwnedAnnotations.recorded(children.service().getMetadata(), OwnedAnnotations.METADATA))
        .contains("example.com/lb");
    Deployment deployment = children.deployment();
    assertThat(OwnedAnnotations.recorded(deployment.getMetadata(), OwnedAnnotations.POD_TEMPLATE))
        .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getAnnotations().keySet())
        .contains("prometheus.io/scrape");
  }

  @Test
  void anObjectWithoutTheRecordClaimsNoAnnotation() {
    // Made by someone else, or by an operator before the record existed: no key on it is known
    // to be the operator's, so an update keeps them all.
    ObjectMeta annotatedByOthers = new ObjectMeta();
    annotatedByOthers.setAnnotations(Map.of("example.com/lb", "internal"));
    ObjectMeta emptyRecord = new ObjectMeta();
    emptyRecord.setAnnotations(Map.of(OwnedAnnotations.METADATA, ""));
    for (ObjectMeta metadata :
        java.util.Arrays.asList(null, new ObjectMeta(), annotatedByOthers, emptyRecord)) {
      assertThat(OwnedAnnotations.recorded(metadata, OwnedAnnotations.METADATA)).isEmpty();
    }
  }

  @Test
  void theServiceMapsStandardPortsOntoTheNamedContainerPorts() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().service = new ServiceSpec();
    proxy.getSpec().service.type = ServiceType.LOAD_BALANCER;
    proxy.getSpec().service.externalTrafficPolicy = ExternalTrafficPolicy.LOCAL;
    proxy.getSpec().service.loadBalancerSourceRanges = List.of("203.0.113.0/24");
    proxy.getSpec().service.annotations =
        Map.of("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol", "*");
    Service service = build(proxy).service();
    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(service.getSpec().getLoadBalancerSourceRanges()).containsExactly("203.0.113.0/24");
    assertThat(service.getMetadata().getAnnotations())
        .containsEntry("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol", "*");
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getStrVal())
        .containsExactly("https:443->https", "http:80->http");
    assertThat(service.getSpec().getSelector())
        .containsEntry("app.kubernetes.io/instance", "sso")
        .doesNotContainKey("app.kubernetes.io/managed-by");

    proxy.getSpec().httpRedirect = false;
    assertThat(build(proxy).service().getSpec().getPorts()).hasSize(1);
  }

  @Test
  void theIpFamiliesArePassedToTheServiceAndLeftToTheClusterWhenUnset() {
    AuthentikProxy proxy = proxy();
    assertThat(build(proxy).service().getSpec().getIpFamilyPolicy()).isNull();
    assertThat(build(proxy).service().getSpec().getIpFamilies()).isEmpty();

    proxy.getSpec().service = new ServiceSpec();
    proxy.getSpec().service.ipFamilyPolicy = IpFamilyPolicy.REQUIRE_DUAL_STACK;
    proxy.getSpec().service.ipFamilies = List.of(IpFamily.IPV6, IpFamily.IPV4);
    Service service = build(proxy).service();
    assertThat(service.getSpec().getIpFamilyPolicy()).isEqualTo("RequireDualStack");
    assertThat(service.getSpec().getIpFamilies()).containsExactly("IPv6", "IPv4");
  }

  @Test
  void aClusterIpServiceCarriesNoLoadBalancerFields() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().service = new ServiceSpec();
    proxy.getSpec().service.externalTrafficPolicy = ExternalTrafficPolicy.LOCAL;
    Service service = build(proxy).service();
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isNull();
  }

  @Test
  void aDisruptionBudgetAndASpreadOnlyWithMoreThanOnePod() {
    AuthentikProxy proxy = proxy();
    DesiredChildren two = build(proxy);
    assertThat(two.podDisruptionBudget()).isPresent();
    assertThat(two.podDisruptionBudget().get().getSpec().getMaxUnavailable().getIntVal())
        .isEqualTo(1);
    assertThat(two.deployment().getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .extracting(c -> c.getTopologyKey())
        .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
    proxy.getSpec().replicas = 1;
    DesiredChildren one = build(proxy);
    assertThat(one.podDisruptionBudget()).isEmpty();
    assertThat(one.deployment().getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .isEmpty();
  }

  @Test
  void spreadConstraintsGivenInTheSpecReplaceTheDefaultOnes() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().topologySpreadConstraints =
        List.of(
            new io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder()
                .withMaxSkew(2)
                .withTopologyKey("topology.kubernetes.io/zone")
                .withWhenUnsatisfiable("DoNotSchedule")
                .build());
    assertThat(template(proxy).getSpec().getTopologySpreadConstraints())
        .extracting(c -> c.getTopologyKey() + " " + c.getMaxSkew() + " " + c.getWhenUnsatisfiable())
        .containsExactly("topology.kubernetes.io/zone 2 DoNotSchedule");
  }

  @Test
  void withAutoscalingTheHpaOwnsTheReplicaCount() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().replicas = 7;
    proxy.getSpec().autoscaling = new io.akproxy.operator.api.AutoscalingSpec();
    proxy.getSpec().autoscaling.maxReplicas = 6;
    DesiredChildren children = build(proxy);
    assertThat(children.deployment().getSpec().getReplicas()).as("left to the autoscaler").isNull();
    var hpa = children.autoscaler().orElseThrow();
    assertThat(hpa.getMetadata().getName()).isEqualTo("sso-proxy");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("sso-proxy");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
        .isEqualTo(75);
    assertThat(children.podDisruptionBudget()).as("at least two pods").isPresent();

    proxy.getSpec().autoscaling.minReplicas = 1;
    assertThat(build(proxy).podDisruptionBudget()).isEmpty();
    proxy.getSpec().autoscaling = null;
    assertThat(build(proxy).autoscaler()).isEmpty();
    assertThat(build(proxy).deployment().getSpec().getReplicas()).isEqualTo(7);
  }

  @Test
  void theUsersResourcesReplaceTheDefaults() {
    AuthentikProxy proxy = proxy();
    Container defaults = template(proxy).getSpec().getContainers().get(0);
    assertThat(defaults.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(defaults.getResources().getLimits()).containsOnlyKeys("memory");
    proxy.getSpec().resources =
        new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("1")).build();
    Container custom = template(proxy).getSpec().getContainers().get(0);
    assertThat(custom.getResources().getRequests()).containsOnlyKeys("cpu");
  }

  @Test
  void everyChildIsControlledByTheResource() {
    DesiredChildren children = build(proxy());
    for (var child :
        List.of(
            children.configMap(),
            children.deployment(),
            children.service(),
            children.serviceAccount(),
            children.podDisruptionBudget().orElseThrow())) {
      assertThat(child.getMetadata().getName()).isEqualTo("sso-proxy");
      assertThat(child.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getUid()).isEqualTo("uid-sso");
                assertThat(o.getController()).isTrue();
              });
    }
    Deployment deployment = children.deployment();
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Names.selectorLabels(proxy()));
  }

  /**
   * The Deployment selector is immutable: changing these labels would make every existing
   * Deployment refuse the operator's update. Literal on purpose: a change to {@link Names} must
   * fail here first.
   */
  @Test
  void theSelectorLabelsNeverChange() {
    Map<String, String> golden =
        Map.of(
            "app.kubernetes.io/name", "akproxy",
            "app.kubernetes.io/instance", "sso",
            "app.kubernetes.io/component", "proxy");
    DesiredChildren children = build(proxy());
    assertThat(children.deployment().getSpec().getSelector().getMatchLabels()).isEqualTo(golden);
    assertThat(children.deployment().getSpec().getSelector().getMatchExpressions()).isEmpty();
    assertThat(children.service().getSpec().getSelector()).isEqualTo(golden);
    assertThat(
            children.podDisruptionBudget().orElseThrow().getSpec().getSelector().getMatchLabels())
        .isEqualTo(golden);
  }

  /**
   * Go fields a real API server stores even when false or 0 (pointers); any other zero value
   * (omitempty) is dropped on write, so sending it makes every comparison see a difference.
   */
  private static final java.util.Set<String> POINTER_FIELDS =
      java.util.Set.of(
          "allowPrivilegeEscalation",
          "privileged",
          "readOnlyRootFilesystem",
          "runAsNonRoot",
          "automountServiceAccountToken",
          "enableServiceLinks",
          "maxUnavailable",
          "maxSurge",
          "replicas",
          "controller",
          "blockOwnerDeletion");

  @Test
  void noChildSendsAZeroValueARealApiServerWouldDrop() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().autoscaling = new io.akproxy.operator.api.AutoscalingSpec();
    proxy.getSpec().autoscaling.maxReplicas = 4;
    proxy.getSpec().networkPolicy = new io.akproxy.operator.api.NetworkPolicySpec();
    proxy.getSpec().upstream.tls = new UpstreamTlsSpec();
    proxy.getSpec().upstream.tls.verify = true;
    proxy.getSpec().upstream.tls.caSecretName = "authentik-ca";
    proxy.getSpec().service = new ServiceSpec();
    proxy.getSpec().service.type = ServiceType.LOAD_BALANCER;
    proxy.getSpec().service.externalTrafficPolicy = ExternalTrafficPolicy.LOCAL;
    proxy.getSpec().service.annotations = Map.of("example.com/lb", "internal");
    proxy.getSpec().service.loadBalancerSourceRanges = List.of("10.0.0.0/8");
    proxy.getSpec().podAnnotations = Map.of("prometheus.io/scrape", "true");
    DesiredChildren children = build(proxy);
    List<String> dropped = new java.util.ArrayList<>();
    for (var child : everyChild(children)) {
      zeroValues(
          JSON.convertValue(child, com.fasterxml.jackson.databind.JsonNode.class),
          child.getKind(),
          dropped);
    }
    assertThat(dropped).as("zero values a real API server does not store").isEmpty();
  }

  private static void zeroValues(
      com.fasterxml.jackson.databind.JsonNode node, String path, List<String> found) {
    String field = path.substring(path.lastIndexOf('/') + 1);
    boolean pointer = POINTER_FIELDS.contains(field);
    if (node.isObject()) {
      if (node.isEmpty()) {
        found.add(path + " = {}");
      }
      node.fields().forEachRemaining(e -> zeroValues(e.getValue(), path + "/" + e.getKey(), found));
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        found.add(path + " = []");
      }
      for (int i = 0; i < node.size(); i++) {
        zeroValues(node.get(i), path + "/" + i, found);
      }
    } else if (!pointer
        && ((node.isBoolean() && !node.asBoolean())
            || (node.isNumber() && node.asLong() == 0)
            || (node.isTextual() && node.asText().isEmpty()))) {
      found.add(path + " = " + node);
    }
  }
}
