package io.akproxy.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Objects come back as a real API server stores them: omitempty applied, defaults added. */
class StorageTest extends ClusterTestBase {

  static final Map<String, String> LABELS = Map.of("app", "proxy");

  static Deployment deployment(String name, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(LABELS)
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(LABELS)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(LABELS)
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withHostNetwork(false)
        .withContainers(
            new ContainerBuilder()
                .withName("proxy")
                .withImage(image)
                .addNewPort()
                .withName("https")
                .withContainerPort(8443)
                .endPort()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPort(new IntOrString("admin"))
                .endHttpGet()
                .withInitialDelaySeconds(0)
                .endReadinessProbe()
                .addNewVolumeMount()
                .withName("tmp")
                .withMountPath("/tmp")
                .withReadOnly(false)
                .endVolumeMount()
                .addNewVolumeMount()
                .withName("config")
                .withMountPath("/etc/config")
                .withReadOnly(true)
                .endVolumeMount()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withPrivileged(false)
                .withRunAsNonRoot(true)
                .endSecurityContext()
                .withNewResources()
                .addToRequests("cpu", new Quantity("0.1"))
                .addToRequests("memory", new Quantity("2048Mi"))
                .endResources()
                .withStdin(false)
                .build())
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .withMedium("")
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("config")
        .withNewConfigMap()
        .withName("config")
        .endConfigMap()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void deploymentKeepsPointerZerosAndDropsOmitemptyZeros() {
    Deployment sent = deployment("proxy", "example/proxy:1.0");
    sent.getSpec().setReplicas(0);
    Deployment stored = kube.resource(sent).inNamespace(NS).create();

    var pod = stored.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    // *bool / *int32 fields keep their zero values.
    assertThat(stored.getSpec().getReplicas()).isZero();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getEnableServiceLinks()).isFalse();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getPrivileged()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    // omitempty bool/int/string fields lose them.
    assertThat(container.getVolumeMounts().get(0).getReadOnly()).isNull();
    assertThat(container.getVolumeMounts().get(1).getReadOnly()).isTrue();
    assertThat(pod.getHostNetwork()).isNull();
    assertThat(container.getStdin()).isNull();
    assertThat(container.getReadinessProbe().getInitialDelaySeconds()).isNull();
    assertThat(pod.getVolumes().get(0).getEmptyDir().getMedium()).isNull();
  }

  @Test
  void deploymentGetsTheDefaultersValues() {
    Deployment stored =
        kube.resource(deployment("proxy", "example/proxy:1.0")).inNamespace(NS).create();

    var spec = stored.getSpec();
    assertThat(spec.getReplicas()).isEqualTo(1);
    assertThat(spec.getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(spec.getStrategy().getRollingUpdate().getMaxSurge().getStrVal()).isEqualTo("25%");
    assertThat(spec.getStrategy().getRollingUpdate().getMaxUnavailable().getStrVal())
        .isEqualTo("25%");
    assertThat(spec.getRevisionHistoryLimit()).isEqualTo(10);
    assertThat(spec.getProgressDeadlineSeconds()).isEqualTo(600);
    var pod = spec.getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Always");
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirst");
    assertThat(pod.getSchedulerName()).isEqualTo("default-scheduler");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
    assertThat(pod.getSecurityContext()).isNotNull();
    var container = pod.getContainers().get(0);
    assertThat(container.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
    assertThat(container.getTerminationMessagePolicy()).isEqualTo("File");
    assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(container.getPorts().get(0).getProtocol()).isEqualTo("TCP");
    var probe = container.getReadinessProbe();
    assertThat(probe.getTimeoutSeconds()).isEqualTo(1);
    assertThat(probe.getPeriodSeconds()).isEqualTo(10);
    assertThat(probe.getSuccessThreshold()).isEqualTo(1);
    assertThat(probe.getFailureThreshold()).isEqualTo(3);
    assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTP");
    assertThat(probe.getHttpGet().getPath()).isEqualTo("/");
    assertThat(pod.getVolumes().get(1).getConfigMap().getDefaultMode()).isEqualTo(420);
    // Quantities come back canonical.
    assertThat(container.getResources().getRequests().get("cpu").toString()).isEqualTo("100m");
    assertThat(container.getResources().getRequests().get("memory").toString()).isEqualTo("2Gi");
  }

  @Test
  void imagePullPolicyFollowsTheTag() {
    for (var entry :
        Map.of(
                "example/proxy",
                "Always",
                "example/proxy:latest",
                "Always",
                "registry:5000/proxy",
                "Always",
                "registry:5000/proxy:2",
                "IfNotPresent",
                "example/proxy@sha256:" + "a".repeat(64),
                "IfNotPresent")
            .entrySet()) {
      String name = "p" + Integer.toHexString(entry.getKey().hashCode() & 0xffff);
      Deployment stored = kube.resource(deployment(name, entry.getKey())).inNamespace(NS).create();
      assertThat(
              stored.getSpec().getTemplate().getSpec().getContainers().get(0).getImagePullPolicy())
          .as(entry.getKey())
          .isEqualTo(entry.getValue());
    }
  }

  @Test
  void serviceGetsAddressesAndPolicies() {
    Service stored =
        kube.resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("proxy")
                    .endMetadata()
                    .withNewSpec()
                    .withSelector(LABELS)
                    .addNewPort()
                    .withName("https")
                    .withPort(443)
                    .endPort()
                    .endSpec()
                    .build())
            .inNamespace(NS)
            .create();

    var spec = stored.getSpec();
    assertThat(spec.getType()).isEqualTo("ClusterIP");
    assertThat(spec.getClusterIP()).matches("10\\.96\\.\\d+\\.\\d+");
    assertThat(spec.getClusterIPs()).containsExactly(spec.getClusterIP());
    assertThat(spec.getIpFamilies()).containsExactly("IPv4");
    assertThat(spec.getIpFamilyPolicy()).isEqualTo("SingleStack");
    assertThat(spec.getSessionAffinity()).isEqualTo("None");
    assertThat(spec.getInternalTrafficPolicy()).isEqualTo("Cluster");
    assertThat(spec.getExternalTrafficPolicy()).isNull();
    assertThat(spec.getPorts().get(0).getProtocol()).isEqualTo("TCP");
    assertThat(spec.getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(443);
    assertThat(spec.getPorts().get(0).getNodePort()).isNull();
  }

  @Test
  void loadBalancerGetsNodePortsAndKeepsThemAcrossUpdates() {
    Service stored =
        kube.resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("proxy")
                    .endMetadata()
                    .withNewSpec()
                    .withType("LoadBalancer")
                    .withSelector(LABELS)
                    .addNewPort()
                    .withName("https")
                    .withPort(443)
                    .withTargetPort(new IntOrString("https"))
                    .endPort()
                    .endSpec()
                    .build())
            .inNamespace(NS)
            .create();
    var spec = stored.getSpec();
    assertThat(spec.getAllocateLoadBalancerNodePorts()).isTrue();
    assertThat(spec.getExternalTrafficPolicy()).isEqualTo("Cluster");
    assertThat(spec.getPorts().get(0).getNodePort()).isBetween(30000, 32767);
    assertThat(spec.getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("https");

    // A PUT that leaves the allocated values out keeps them, as patchAllocatedValues does.
    Service update =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("proxy")
            .withAnnotations(Map.of("a", "b"))
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withSelector(LABELS)
            .addNewPort()
            .withName("https")
            .withPort(443)
            .endPort()
            .endSpec()
            .build();
    Service updated = kube.resource(update).inNamespace(NS).update();
    assertThat(updated.getSpec().getClusterIP()).isEqualTo(spec.getClusterIP());
    assertThat(updated.getSpec().getPorts().get(0).getNodePort())
        .isEqualTo(spec.getPorts().get(0).getNodePort());
  }

  @Test
  void smallerKindsGetTheirDefaults() {
    var secret =
        kube.resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("s")
                    .endMetadata()
                    .withStringData(Map.of("k", "v"))
                    .build())
            .inNamespace(NS)
            .create();
    assertThat(secret.getType()).isEqualTo("Opaque");
    // stringData is write-only: merged into data, base64.
    assertThat(secret.getStringData()).isNullOrEmpty();
    assertThat(secret.getData()).containsEntry("k", "dg==");

    var configMap =
        kube.resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("c")
                    .withLabels(Map.of("empty", ""))
                    .withAnnotations(Map.of())
                    .endMetadata()
                    .withData(Map.of("blank", ""))
                    .withImmutable(false)
                    .build())
            .inNamespace(NS)
            .create();
    // Map entries are data, never pruned; an empty map is; a *bool false stays.
    assertThat(configMap.getData()).containsEntry("blank", "");
    assertThat(configMap.getMetadata().getLabels()).containsEntry("empty", "");
    assertThat(configMap.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(configMap.getImmutable()).isFalse();

    var account =
        kube.resource(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName("sa")
                    .endMetadata()
                    .withAutomountServiceAccountToken(false)
                    .build())
            .inNamespace(NS)
            .create();
    assertThat(account.getAutomountServiceAccountToken()).isFalse();

    PodDisruptionBudget budget =
        kube.resource(
                new PodDisruptionBudgetBuilder()
                    .withNewMetadata()
                    .withName("pdb")
                    .endMetadata()
                    .withNewSpec()
                    .withMaxUnavailable(new IntOrString(0))
                    .withNewSelector()
                    .withMatchLabels(LABELS)
                    .endSelector()
                    .endSpec()
                    .build())
            .inNamespace(NS)
            .create();
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isZero();

    HorizontalPodAutoscaler hpa =
        kube.resource(
                new HorizontalPodAutoscalerBuilder()
                    .withNewMetadata()
                    .withName("hpa")
                    .endMetadata()
                    .withNewSpec()
                    .withNewScaleTargetRef()
                    .withApiVersion("apps/v1")
                    .withKind("Deployment")
                    .withName("proxy")
                    .endScaleTargetRef()
                    .withMaxReplicas(4)
                    .withNewBehavior()
                    .withNewScaleDown()
                    .withStabilizationWindowSeconds(60)
                    .endScaleDown()
                    .endBehavior()
                    .endSpec()
                    .build())
            .inNamespace(NS)
            .create();
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
        .isEqualTo(80);
    assertThat(hpa.getSpec().getBehavior().getScaleUp().getStabilizationWindowSeconds()).isZero();
    assertThat(hpa.getSpec().getBehavior().getScaleUp().getPolicies()).hasSize(2);
    assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
        .isEqualTo(60);
    assertThat(hpa.getSpec().getBehavior().getScaleDown().getSelectPolicy()).isEqualTo("Max");

    NetworkPolicy policy =
        kube.resource(
                new NetworkPolicyBuilder()
                    .withNewMetadata()
                    .withName("np")
                    .endMetadata()
                    .withNewSpec()
                    .withNewPodSelector()
                    .withMatchLabels(LABELS)
                    .endPodSelector()
                    .addNewEgress()
                    .addNewPort()
                    .withPort(new IntOrString(53))
                    .endPort()
                    .endEgress()
                    .endSpec()
                    .build())
            .inNamespace(NS)
            .create();
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(policy.getSpec().getEgress().get(0).getPorts().get(0).getProtocol())
        .isEqualTo("TCP");
  }

  @Test
  void serverSetsMetadata() {
    Deployment stored =
        kube.resource(deployment("proxy", "example/proxy:1.0")).inNamespace(NS).create();
    var metadata = stored.getMetadata();
    assertThat(metadata.getUid()).isNotBlank();
    assertThat(metadata.getCreationTimestamp()).isNotBlank();
    assertThat(metadata.getResourceVersion()).isNotBlank();
    assertThat(metadata.getGeneration()).isEqualTo(1L);
    assertThat(metadata.getNamespace()).isEqualTo(NS);
    var configMap =
        kube.resource(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build())
            .inNamespace(NS)
            .create();
    assertThat(configMap.getMetadata().getGeneration()).isNull();
  }
}
