package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.config.ConfigParser;
import io.akproxy.config.ProxyConfig;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.Names;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator against the simulated API server (testkit-kube): what it writes, what it leaves
 * alone, and how many write requests it sends.
 */
class AuthentikProxyReconcilerTest extends OperatorTestBase {

  @Test
  void createsEveryChildWithOwnerReferencesAndReportsReadyOnceAvailable() {
    // The Deployment controller holds back until the not-yet-Ready state has been checked.
    cluster.deployments().pause();
    createSecretServiceAndProxy();
    ConfigMap configMap = awaitChild(ConfigMap.class);
    Deployment deployment = awaitChild(Deployment.class);
    Service service = awaitChild(Service.class);
    awaitChild(ServiceAccount.class);
    awaitChild(PodDisruptionBudget.class);

    ProxyConfig config = ConfigParser.parse(configMap.getData().get(Names.CONFIG_KEY));
    assertThat(config.serverNames()).containsExactly("sso.example.com");
    assertThat(config.upstream().url())
        .isEqualTo("https://authentik-server.authentik.svc.cluster.local:443");
    assertThat(config.tls().certFile()).isEqualTo("/etc/akproxy/tls/tls.crt");

    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(OperatorSettings.DEFAULT_RUNTIME_IMAGE);
    assertThat(container.getArgs()).containsExactly("--config", "/etc/akproxy/config/proxy.json");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getPort() + "->" + p.getTargetPort().getStrVal())
        .containsExactly("443->https", "80->http");

    AuthentikProxy proxy =
        kube.resources(AuthentikProxy.class).inNamespace(NS).withName(NAME).get();
    for (Class<? extends HasMetadata> type :
        List.of(
            ConfigMap.class,
            Deployment.class,
            Service.class,
            ServiceAccount.class,
            PodDisruptionBudget.class)) {
      HasMetadata child = kube.resources(type).inNamespace(NS).withName(CHILD).get();
      assertThat(child.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/name", "akproxy")
          .containsEntry("app.kubernetes.io/instance", NAME)
          .containsEntry("app.kubernetes.io/component", "proxy")
          .containsEntry("app.kubernetes.io/managed-by", "akproxy-operator");
      // Kubernetes' garbage collector deletes children whose controller owner is gone.
      OwnerReference owner = child.getMetadata().getOwnerReferences().get(0);
      assertThat(owner.getKind()).isEqualTo("AuthentikProxy");
      assertThat(owner.getApiVersion()).isEqualTo("akproxy.io/v1alpha1");
      assertThat(owner.getName()).isEqualTo(NAME);
      assertThat(owner.getUid()).isEqualTo(proxy.getMetadata().getUid());
      assertThat(owner.getController()).isTrue();
    }

    awaitStatus(
        current -> {
          assertCondition(current, ConditionType.ACCEPTED, "True", "SpecValid");
          assertCondition(current, ConditionType.TLS_READY, "True", "CertificateValid");
          assertCondition(current, ConditionType.UPSTREAM_RESOLVED, "True", "ServiceResolved");
          assertThat(condition(current, ConditionType.READY).getStatus()).isEqualTo("False");
          assertThat(current.getStatus().configHash).isEqualTo(config.hash());
          assertThat(current.getStatus().certificate.serial).isEqualTo(certificate.serialHex());
          assertThat(current.getStatus().upstream)
              .isEqualTo("https://authentik-server.authentik.svc.cluster.local:443");
          assertThat(current.getStatus().url).isEqualTo("https://sso.example.com/");
        });

    cluster.deployments().resume();
    awaitStatus(
        current -> {
          assertThat(
                  assertCondition(current, ConditionType.READY, "True", "Ready")
                      .getObservedGeneration())
              .isEqualTo(current.getMetadata().getGeneration());
          assertThat(current.getStatus().replicaSummary).isEqualTo("2/2");
          assertThat(current.getStatus().observedGeneration)
              .isEqualTo(current.getMetadata().getGeneration());
        });
  }

  @Test
  void theSecretAndServiceInformersListInPages() {
    // start() returned once every informer listed: their first requests are in.
    List<String> requests = io.akproxy.operator.Simulation.operatorRequests(cluster);
    for (String resource : List.of("secrets", "services")) {
      String collection = "GET /api/v1/namespaces/" + NS + "/" + resource + "?";
      // Every list of every Secret (or Service) in the namespace, not the children's informers.
      List<String> lists =
          requests.stream()
              .filter(r -> r.startsWith(collection))
              .filter(r -> !r.contains("watch=true") && !r.contains("labelSelector"))
              .toList();
      assertThat(lists).as("lists of every %s", resource).isNotEmpty();
      assertThat(lists)
          .as("lists of every %s, paged", resource)
          .allSatisfy(r -> assertThat(r).contains("limit=500"));
    }
  }

  @Test
  void aReconcileWithNothingChangedWritesNothingOnARealisticApiServer() {
    // The simulated API server stored every child as a real one does: defaults added, zero
    // values dropped, status as a subresource, allocated cluster IPs.
    createSecretServiceAndProxy();
    awaitReady();
    drainWrites();

    assertThat(nudgeAndCollectWrites()).as("operator writes of a no-op reconcile").isEmpty();

    // The Deployment controller writes status again (a resourceVersion bump each time), and a
    // reconcile follows: still nothing to write.
    int statusWrites = cluster.deployments().statusWrites();
    cluster.deployments().resyncAll();
    assertThat(nudgeAndCollectWrites()).as("operator writes after status writes").isEmpty();
    assertThat(cluster.deployments().statusWrites()).isGreaterThanOrEqualTo(statusWrites);
  }

  @Test
  void aConfigChangeUpdatesTheConfigMapButNeverThePodTemplate() {
    createSecretServiceAndProxy();
    awaitReady();
    Deployment before = awaitChild(Deployment.class);

    editProxy(
        p -> {
          p.getSpec().trustedProxyCIDRs = List.of("10.0.0.0/8");
          p.getSpec().path = "/authentik/";
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(awaitChild(ConfigMap.class).getData().get(Names.CONFIG_KEY))
                    .contains("10.0.0.0/8", "\"pathPrefix\": \"/authentik/\""));
    Deployment after = awaitChild(Deployment.class);
    assertThat(after.getMetadata().getResourceVersion())
        .as("the Deployment was not written")
        .isEqualTo(before.getMetadata().getResourceVersion());

    // A pod-level change does roll the pods.
    editProxy(p -> p.getSpec().image = "registry.example/akproxy:2");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        awaitChild(Deployment.class)
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .isEqualTo("registry.example/akproxy:2"));
  }

  @Test
  void aCertificateNearExpiryIsReportedOnceWhileTheProxyStaysReady() {
    certificate = Certificates.forHosts("sso.example.com").validFor(Duration.ofDays(5)).issue();
    createSecretServiceAndProxy();
    awaitReady();
    assertThat(
            assertCondition(get(), ConditionType.TLS_READY, "True", "CertificateExpiringSoon")
                .getMessage())
        .contains("renew");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(eventReasons()).containsOnlyOnce("CertificateExpiringSoon"));

    // Events are for transitions: more reconciles of the same state add none.
    int events = eventReasons().size();
    nudgeAndCollectWrites();
    nudgeAndCollectWrites();
    assertThat(eventReasons()).hasSize(events);
  }

  @Test
  void aRotatedSecretUpdatesTheCopyAndTheCertificateStatusWithoutRollingThePods() {
    createSecretServiceAndProxy();
    awaitReady();
    drainWrites();

    Issued rotated = TestResources.ssoCertificate();
    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, rotated)).update();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(status().certificate.serial).isEqualTo(rotated.serialHex()));
    assertThat(copiedCertificate()).isEqualTo(rotated.chainPem());
    reconciles.awaitQuiet();
    List<String> writes = childWrites(operatorWrites());
    assertThat(writes)
        .as("of the children only the copy the pods mount is written")
        .filteredOn(w -> !w.contains("/pods/"))
        .containsExactly("PUT /api/v1/namespaces/authentik/secrets/sso-proxy-tls");
    assertThat(writes)
        .as("the pods are annotated so the kubelet brings them the copy now (PropagationTest)")
        .filteredOn(w -> w.contains("/pods/"))
        .allMatch(w -> w.startsWith("PATCH "));
  }

  /** The certificate in the operator's copy, the one the pods mount. */
  String copiedCertificate() {
    Secret copy = kube.secrets().inNamespace(NS).withName(CHILD + "-tls").get();
    return new String(
        java.util.Base64.getDecoder().decode(copy.getData().get("tls.crt")),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Every Secret the pod template mounts exists. */
  void assertEveryMountedSecretExists() {
    Deployment deployment = awaitChild(Deployment.class);
    var secretVolumes =
        deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getSecret() != null)
            .toList();
    assertThat(secretVolumes).isNotEmpty();
    for (var volume : secretVolumes) {
      Secret secret =
          kube.secrets().inNamespace(NS).withName(volume.getSecret().getSecretName()).get();
      assertThat(secret)
          .as("Secret %s of volume %s", volume.getSecret().getSecretName(), volume.getName())
          .isNotNull();
      for (var item : volume.getSecret().getItems()) {
        assertThat(secret.getData()).containsKey(item.getKey());
      }
    }
  }

  @Test
  void aNewPodStartsWithTheLastGoodCertificateWhenTheUsersSecretIsDeletedOrBroken() {
    createSecretServiceAndProxy();
    awaitReady();
    String served = copiedCertificate();

    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, certificate)).delete();
    awaitCondition(ConditionType.TLS_READY, "False", "SecretNotFound");
    reconciles.awaitQuiet();
    assertEveryMountedSecretExists();
    assertThat(copiedCertificate()).isEqualTo(served);

    // A parseable certificate that does not cover the hosts: never copied, never reported served.
    Issued wrongHost = Certificates.forHosts("other.example.com").issue();
    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, wrongHost)).create();
    awaitCondition(ConditionType.TLS_READY, "False", "HostsNotCovered");
    reconciles.awaitQuiet();
    assertThat(copiedCertificate()).isEqualTo(served);
    assertThat(get().getStatus().certificate.serial).isEqualTo(certificate.serialHex());
    assertEveryMountedSecretExists();
  }

  @Test
  void aValidCertificateIsNotReportedServedWhileAnotherInputKeepsTheChildrenBack() {
    createSecretServiceAndProxy();
    awaitReady();
    kube.services().inNamespace(NS).withName(TestResources.UPSTREAM_SERVICE).delete();
    awaitCondition(ConditionType.UPSTREAM_RESOLVED, "False", "ServiceNotFound");
    Issued rotated = TestResources.ssoCertificate();
    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, rotated)).update();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(condition(get(), ConditionType.TLS_READY).getMessage())
                    .contains(rotated.serialHex()));
    reconciles.awaitQuiet();
    // The pods still get the old one: status says so.
    assertThat(get().getStatus().certificate.serial).isEqualTo(certificate.serialHex());
    assertThat(copiedCertificate()).isEqualTo(certificate.chainPem());
  }

  @Test
  void aSecretOfTheCopysNameThatTheOperatorDoesNotOwnIsNeverWritten() {
    Secret foreign =
        new io.fabric8.kubernetes.api.model.SecretBuilder()
            .withNewMetadata()
            .withName(CHILD + "-tls")
            .withNamespace(NS)
            .endMetadata()
            .withType("Opaque")
            .addToData("owner", "c29tZW9uZSBlbHNl")
            .build();
    kube.resource(foreign).create();
    createSecretServiceAndProxy();
    await().atMost(WAIT).until(() -> reconciles.started() > 0);
    reconciles.awaitQuiet();
    Secret after = kube.secrets().inNamespace(NS).withName(CHILD + "-tls").get();
    assertThat(after.getData()).isEqualTo(foreign.getData());
    assertThat(after.getType()).isEqualTo("Opaque");
    assertThat(after.getMetadata().getOwnerReferences()).isEmpty();
  }

  @Test
  void aBadSecretLeavesTheChildrenAloneReportsWhyAndRecoversWhenFixed() {
    createSecretServiceAndProxy();
    awaitReady();
    drainWrites();

    Issued other = TestResources.ssoCertificate();
    kube.resource(
            TestResources.tlsSecret(NS, TestResources.TLS_SECRET, certificate.withKeyOf(other)))
        .update();
    awaitStatus(
        current -> {
          assertCondition(current, ConditionType.TLS_READY, "False", "KeyMismatch");
          assertCondition(current, ConditionType.READY, "False", "KeyMismatch");
          assertThat(eventReasons()).contains("KeyMismatch");
        });
    // The proxy keeps serving the last good certificate, and status says which.
    assertThat(get().getStatus().certificate.serial).isEqualTo(certificate.serialHex());

    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, certificate)).delete();
    awaitCondition(ConditionType.TLS_READY, "False", "SecretNotFound");
    assertThat(childWrites(operatorWrites())).as("writes to children").isEmpty();
    assertThat(awaitChild(Deployment.class)).isNotNull();

    Issued renewed = TestResources.ssoCertificate();
    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, renewed)).create();
    awaitStatus(
        current -> {
          assertCondition(current, ConditionType.TLS_READY, "True", "CertificateValid");
          assertThat(current.getStatus().certificate.serial).isEqualTo(renewed.serialHex());
        });
  }

  @Test
  void withoutItsSecretANewResourceCreatesNothingUntilTheSecretAppears() {
    kube.resource(TestResources.authentikService(NS)).create();
    kube.resource(TestResources.proxy(NS, NAME)).create();
    assertThat(awaitCondition(ConditionType.TLS_READY, "False", "SecretNotFound").getMessage())
        .contains("sso-tls");
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventReasons()).contains("SecretNotFound"));
    assertThat(child(Deployment.class)).isNull();
    assertThat(child(ConfigMap.class)).isNull();

    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, certificate)).create();
    awaitChild(Deployment.class);
    awaitChild(ConfigMap.class);
  }

  @Test
  void theUpstreamServiceIsWatchedAndResolvedByPortNameOrNumber() {
    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, certificate)).create();
    kube.resource(TestResources.authentikService(NS)).create();
    AuthentikProxy proxy = TestResources.proxy(NS, NAME);
    proxy.getSpec().upstream.service.port = new IntOrString("metrics");
    kube.resource(proxy).create();
    assertThat(
            awaitCondition(ConditionType.UPSTREAM_RESOLVED, "False", "ServicePortNotFound")
                .getMessage())
        .contains("http/80")
        .contains("https/443");

    // The Service gains the port: the operator notices without any change to the resource.
    Service service =
        kube.services().inNamespace(NS).withName(TestResources.UPSTREAM_SERVICE).get();
    service
        .getSpec()
        .getPorts()
        .add(new ServicePortBuilder().withName("metrics").withPort(9300).build());
    kube.resource(service).update();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(get().getStatus().upstream)
                    .isEqualTo("https://authentik-server.authentik.svc.cluster.local:9300"));

    editProxy(p -> p.getSpec().upstream.service.port = new IntOrString(80));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(awaitChild(ConfigMap.class).getData().get(Names.CONFIG_KEY))
                    .contains("http://authentik-server.authentik.svc.cluster.local:80"));
  }

  @Test
  void anAutoscaledDeploymentKeepsTheCountTheAutoscalerChose() {
    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, certificate)).create();
    kube.resource(TestResources.authentikService(NS)).create();
    AuthentikProxy proxy = TestResources.proxy(NS, NAME);
    proxy.getSpec().autoscaling = new io.akproxy.operator.api.AutoscalingSpec();
    proxy.getSpec().autoscaling.minReplicas = 2;
    proxy.getSpec().autoscaling.maxReplicas = 5;
    kube.resource(proxy).create();
    var hpa = awaitChild(HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
    await().atMost(WAIT).untilAsserted(() -> assertThat(status().autoscaler).isEqualTo(CHILD));

    // The autoscaler scales the Deployment to 4: the operator leaves it there.
    editChild(Deployment.class, d -> d.getSpec().setReplicas(4));
    drainWrites();
    assertThat(childWrites(nudgeAndCollectWrites())).isEmpty();
    assertThat(awaitChild(Deployment.class).getSpec().getReplicas()).isEqualTo(4);

    // A pod-level change rolls the pods and still keeps the autoscaler's count.
    editProxy(p -> p.getSpec().image = "registry.example/akproxy:2");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Deployment deployment = awaitChild(Deployment.class);
              assertThat(
                      deployment
                          .getSpec()
                          .getTemplate()
                          .getSpec()
                          .getContainers()
                          .get(0)
                          .getImage())
                  .isEqualTo("registry.example/akproxy:2");
              assertThat(deployment.getSpec().getReplicas()).isEqualTo(4);
            });

    // Autoscaling off: the autoscaler goes and spec.replicas counts again.
    editProxy(p -> p.getSpec().autoscaling = null);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(child(HorizontalPodAutoscaler.class)).isNull();
              assertThat(awaitChild(Deployment.class).getSpec().getReplicas()).isEqualTo(2);
              assertThat(get().getStatus().autoscaler).isNull();
            });
  }

  @Test
  void aNetworkPolicyIsCreatedOnRequestAndRemovedWithTheField() {
    createSecretServiceAndProxy();
    awaitChild(Deployment.class);
    editProxy(
        p -> {
          p.getSpec().networkPolicy = new io.akproxy.operator.api.NetworkPolicySpec();
          p.getSpec().networkPolicy.adminFromNamespaces = List.of("monitoring");
        });
    var policy = awaitChild(NetworkPolicy.class);
    assertThat(policy.getSpec().getIngress()).hasSize(2);
    assertThat(policy.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getController()).isTrue());
    await().atMost(WAIT).untilAsserted(() -> assertThat(status().networkPolicy).isEqualTo(CHILD));

    awaitReady();
    drainWrites();
    assertThat(nudgeAndCollectWrites()).as("a matching policy is not rewritten").isEmpty();

    editProxy(p -> p.getSpec().networkPolicy = null);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(child(NetworkPolicy.class)).isNull();
              assertThat(get().getStatus().networkPolicy).isNull();
            });
  }

  @Test
  void oneReplicaRemovesTheDisruptionBudget() {
    createSecretServiceAndProxy();
    awaitChild(PodDisruptionBudget.class);
    editProxy(p -> p.getSpec().replicas = 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        kube.policy()
                            .v1()
                            .podDisruptionBudget()
                            .inNamespace(NS)
                            .withName(CHILD)
                            .get())
                    .isNull());
    // The PodDisruptionBudget and the Deployment are written side by side: either may land first.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(awaitChild(Deployment.class).getSpec().getReplicas()).isEqualTo(1));
  }

  @Test
  void removingAutoscalingDeletesTheAutoscalerEvenWhenStatusLostIt() {
    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, certificate)).create();
    kube.resource(TestResources.authentikService(NS)).create();
    AuthentikProxy proxy = TestResources.proxy(NS, NAME);
    proxy.getSpec().autoscaling = new io.akproxy.operator.api.AutoscalingSpec();
    proxy.getSpec().autoscaling.maxReplicas = 5;
    proxy.getSpec().networkPolicy = new io.akproxy.operator.api.NetworkPolicySpec();
    kube.resource(proxy).create();
    awaitChild(HorizontalPodAutoscaler.class);
    awaitChild(NetworkPolicy.class);
    await().atMost(WAIT).untilAsserted(() -> assertThat(status().autoscaler).isEqualTo(CHILD));
    reconciles.awaitQuiet();

    // A restore from backup, or a status edit, loses what status said exists.
    retrying(
        () ->
            kube.resources(AuthentikProxy.class)
                .inNamespace(NS)
                .withName(NAME)
                .editStatus(
                    p -> {
                      p.getStatus().autoscaler = null;
                      p.getStatus().networkPolicy = null;
                      return p;
                    }));
    editProxy(
        p -> {
          p.getSpec().autoscaling = null;
          p.getSpec().networkPolicy = null;
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(child(HorizontalPodAutoscaler.class)).as("the autoscaler").isNull();
              assertThat(child(NetworkPolicy.class)).as("the NetworkPolicy").isNull();
            });
  }

  @Test
  void anAutoscalerOfTheSameNameThatTheResourceDoesNotControlIsLeftAlone() {
    kube.resource(
            new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName(CHILD)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withMaxReplicas(3)
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName("something-else")
                .endScaleTargetRef()
                .endSpec()
                .build())
        .create();
    createSecretServiceAndProxy();
    awaitReady();
    reconciles.awaitQuiet();
    assertThat(child(HorizontalPodAutoscaler.class))
        .as("an autoscaler the operator did not make")
        .isNotNull();
  }

  @Test
  void aDualStackServiceIsAppliedOverTheClustersSingleStackDefaultAndThenLeftAlone() {
    createSecretServiceAndProxy();
    awaitReady();
    assertThat(awaitChild(Service.class).getSpec().getIpFamilyPolicy())
        .as("the API server's default")
        .isEqualTo("SingleStack");

    editProxy(
        p -> {
          p.getSpec().service = new io.akproxy.operator.api.ServiceSpec();
          p.getSpec().service.ipFamilyPolicy =
              io.akproxy.operator.api.IpFamilyPolicy.REQUIRE_DUAL_STACK;
          p.getSpec().service.ipFamilies =
              List.of(io.akproxy.operator.api.IpFamily.IPV4, io.akproxy.operator.api.IpFamily.IPV6);
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Service service = awaitChild(Service.class);
              assertThat(service.getSpec().getIpFamilyPolicy()).isEqualTo("RequireDualStack");
              assertThat(service.getSpec().getIpFamilies()).containsExactly("IPv4", "IPv6");
            });
    drainWrites();
    assertThat(childWrites(nudgeAndCollectWrites())).as("writes once it is dual-stack").isEmpty();
  }

  @Test
  void fieldsRemovedFromTheResourceLeaveTheChildrenAndARolloutRestartSurvives() {
    createSecretServiceAndProxy();
    awaitReady();
    editProxy(
        p -> {
          p.getSpec().service = new io.akproxy.operator.api.ServiceSpec();
          p.getSpec().service.type = io.akproxy.operator.api.ServiceType.LOAD_BALANCER;
          p.getSpec().service.annotations = java.util.Map.of("lb.example.com/internal", "true");
          p.getSpec().service.loadBalancerSourceRanges = List.of("10.0.0.0/8");
          p.getSpec().service.externalTrafficPolicy =
              io.akproxy.operator.api.ExternalTrafficPolicy.LOCAL;
          p.getSpec().nodeSelector = java.util.Map.of("pool", "edge");
          p.getSpec().tolerations =
              List.of(
                  new io.fabric8.kubernetes.api.model.TolerationBuilder()
                      .withKey("edge")
                      .withOperator("Exists")
                      .build());
          p.getSpec().podAnnotations = java.util.Map.of("prometheus.io/scrape", "true");
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Service service = awaitChild(Service.class);
              assertThat(service.getMetadata().getAnnotations())
                  .containsKey("lb.example.com/internal");
              assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
              assertThat(
                      awaitChild(Deployment.class)
                          .getSpec()
                          .getTemplate()
                          .getSpec()
                          .getNodeSelector())
                  .containsEntry("pool", "edge");
            });
    drainWrites();
    // kubectl rollout restart, and another controller's Service annotation.
    editChild(
        Deployment.class,
        d ->
            d.getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .put("kubectl.kubernetes.io/restartedAt", "2026-12-04T15:00:00Z"));
    editChild(
        Service.class,
        s -> s.getMetadata().getAnnotations().put("lb.example.com/ip-allocated", "pool-a"));
    assertThat(childWrites(nudgeAndCollectWrites()))
        .as("writes after others annotated the children")
        .isEmpty();

    editProxy(
        p -> {
          p.getSpec().service.annotations = null;
          p.getSpec().service.loadBalancerSourceRanges = null;
          p.getSpec().service.externalTrafficPolicy = null;
          p.getSpec().nodeSelector = null;
          p.getSpec().tolerations = null;
          p.getSpec().podAnnotations = null;
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Service service = awaitChild(Service.class);
              assertThat(service.getMetadata().getAnnotations())
                  .doesNotContainKey("lb.example.com/internal")
                  .containsEntry("lb.example.com/ip-allocated", "pool-a");
              assertThat(service.getSpec().getLoadBalancerSourceRanges()).isEmpty();
              assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Cluster");
              var template = awaitChild(Deployment.class).getSpec().getTemplate();
              assertThat(template.getSpec().getNodeSelector()).isEmpty();
              assertThat(template.getSpec().getTolerations()).isEmpty();
              assertThat(template.getMetadata().getAnnotations())
                  .doesNotContainKey("prometheus.io/scrape")
                  .containsEntry("kubectl.kubernetes.io/restartedAt", "2026-12-04T15:00:00Z");
            });
  }
}
