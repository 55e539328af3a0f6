package io.akproxy.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestResources;
import io.akproxy.operator.model.ChildrenModel;
import io.akproxy.operator.model.ProxyConfigFactory;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class ChildDriftTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static Deployment deployment() {
    var proxy = TestResources.proxy("authentik", "sso");
    return ChildrenModel.deployment(
        proxy, "image:1", ProxyConfigFactory.build(proxy, "https://authentik:9443"));
  }

  @Test
  void serverDefaultsAndMetadataDoNotCountAsDrift() {
    Deployment desired = deployment();
    Deployment actual = JSON.clone(desired);
    actual.getMetadata().setResourceVersion("42");
    actual.getMetadata().setUid("u");
    actual.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "3");
    actual.getSpec().setProgressDeadlineSeconds(600);
    var container = actual.getSpec().getTemplate().getSpec().getContainers().get(0);
    container.setTerminationMessagePath("/dev/termination-log");
    // Equal to another value in the object: zjsonpatch's defaults would call this a "copy".
    container.getLivenessProbe().setTimeoutSeconds(1);
    container.getLivenessProbe().setSuccessThreshold(1);
    actual.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatus());
    actual.getStatus().setReplicas(2);
    assertThat(ChildDrift.matches(JSON, desired, actual)).isTrue();
  }

  @Test
  void quantitiesCompareByValue() {
    Deployment desired = deployment();
    requests(desired).put("cpu", new Quantity("0.5"));
    Deployment actual = JSON.clone(desired);
    requests(actual).put("cpu", new Quantity("500m"));
    assertThat(ChildDrift.matches(JSON, desired, actual)).isTrue();
    requests(actual).put("cpu", new Quantity("600m"));
    assertThat(ChildDrift.matches(JSON, desired, actual)).isFalse();
  }

  private static java.util.Map<String, Quantity> requests(Deployment deployment) {
    return deployment
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getResources()
        .getRequests();
  }

  @Test
  void aChangedOrRemovedValueIsDrift() {
    Deployment desired = deployment();
    Deployment changed = JSON.clone(desired);
    changed.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("image:2");
    assertThat(ChildDrift.matches(JSON, desired, changed)).isFalse();

    Deployment labelRemoved = JSON.clone(desired);
    labelRemoved.getMetadata().getLabels().remove("app.kubernetes.io/instance");
    assertThat(ChildDrift.matches(JSON, desired, labelRemoved)).isFalse();
  }

  @Test
  void anElementLeftInAListTheModelOwnsIsDrift() {
    var proxy = TestResources.proxy("authentik", "sso");
    proxy.getSpec().httpRedirect = false;
    Service desired = ChildrenModel.service(proxy);
    proxy.getSpec().httpRedirect = true;
    Service actual = ChildrenModel.service(proxy);
    assertThat(ChildDrift.matches(JSON, desired, actual)).isFalse();

    Service defaulted = JSON.clone(desired);
    defaulted.getSpec().setClusterIPs(java.util.List.of("10.0.0.1"));
    assertThat(ChildDrift.matches(JSON, desired, defaulted)).isTrue();
  }

  private static io.akproxy.operator.model.DesiredChildren children(
      java.util.function.Consumer<io.akproxy.operator.api.AuthentikProxy> change) {
    var proxy = TestResources.proxy("authentik", "sso");
    change.accept(proxy);
    return ChildrenModel.build(
        proxy,
        ProxyConfigFactory.build(proxy, "https://authentik:9443"),
        "image:1",
        new io.akproxy.operator.model.TlsMaterial("C", "K", java.util.Optional.empty()),
        java.util.Optional.empty(),
        "akproxy-system");
  }

  /** Each optional field: set, then removed from the resource; the child must count as changed. */
  @Test
  void removingAnOptionalFieldFromTheResourceIsDrift() {
    java.util.Map<String, java.util.function.Consumer<io.akproxy.operator.api.AuthentikProxy>>
        fields = new java.util.LinkedHashMap<>();
    fields.put(
        "service.annotations",
        p -> {
          p.getSpec().service = new io.akproxy.operator.api.ServiceSpec();
          p.getSpec().service.annotations = java.util.Map.of("lb.example.com/internal", "true");
        });
    fields.put(
        "service.loadBalancerSourceRanges",
        p -> {
          p.getSpec().service = new io.akproxy.operator.api.ServiceSpec();
          p.getSpec().service.type = io.akproxy.operator.api.ServiceType.LOAD_BALANCER;
          p.getSpec().service.loadBalancerSourceRanges = java.util.List.of("10.0.0.0/8");
        });
    fields.put(
        "service.externalTrafficPolicy",
        p -> {
          p.getSpec().service = new io.akproxy.operator.api.ServiceSpec();
          p.getSpec().service.type = io.akproxy.operator.api.ServiceType.LOAD_BALANCER;
          p.getSpec().service.externalTrafficPolicy =
              io.akproxy.operator.api.ExternalTrafficPolicy.LOCAL;
        });
    fields.put("nodeSelector", p -> p.getSpec().nodeSelector = java.util.Map.of("pool", "edge"));
    fields.put(
        "tolerations",
        p ->
            p.getSpec().tolerations =
                java.util.List.of(
                    new io.fabric8.kubernetes.api.model.TolerationBuilder()
                        .withKey("edge")
                        .withOperator("Exists")
                        .build()));
    fields.put(
        "affinity",
        p ->
            p.getSpec().affinity =
                new io.fabric8.kubernetes.api.model.AffinityBuilder()
                    .withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm()
                    .addNewMatchExpression()
                    .withKey("pool")
                    .withOperator("In")
                    .withValues("edge")
                    .endMatchExpression()
                    .endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity()
                    .build());
    fields.put(
        "podAnnotations",
        p -> p.getSpec().podAnnotations = java.util.Map.of("prometheus.io/scrape", "true"));
    fields.put(
        "resources",
        p ->
            p.getSpec().resources =
                new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                    .addToLimits("memory", new Quantity("1Gi"))
                    .build());
    for (var field : fields.entrySet()) {
      var with = children(field.getValue());
      var without =
          children(
              p -> {
                // The same resource without the field (a Service keeps its type).
                field.getValue().accept(p);
                if (p.getSpec().service != null) {
                  var type = p.getSpec().service.type;
                  p.getSpec().service = new io.akproxy.operator.api.ServiceSpec();
                  p.getSpec().service.type = type;
                }
                p.getSpec().nodeSelector = null;
                p.getSpec().tolerations = null;
                p.getSpec().affinity = null;
                p.getSpec().podAnnotations = null;
                p.getSpec().resources = null;
              });
      boolean serviceMatches =
          ChildDrift.matches(JSON, without.service(), serverStored(with.service()));
      boolean deploymentMatches =
          ChildDrift.matches(JSON, without.deployment(), serverStored(with.deployment()));
      assertThat(serviceMatches && deploymentMatches)
          .as("the cluster still has %s after its removal from the resource", field.getKey())
          .isFalse();
      // And the child without it is not rewritten again.
      assertThat(ChildDrift.matches(JSON, without.service(), serverStored(without.service())))
          .isTrue();
      assertThat(ChildDrift.matches(JSON, without.deployment(), serverStored(without.deployment())))
          .isTrue();
    }
  }

  /** What a real API server stores: the object with its defaults and other writers' additions. */
  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T serverStored(T child) {
    T stored = JSON.clone(child);
    stored.getMetadata().setResourceVersion("7");
    if (stored instanceof Service service) {
      service.getSpec().setClusterIP("10.96.0.10");
      service.getSpec().setClusterIPs(java.util.List.of("10.96.0.10"));
      service.getSpec().setSessionAffinity("None");
      service.getSpec().setIpFamilies(java.util.List.of("IPv4"));
      service.getSpec().setIpFamilyPolicy("SingleStack");
      service.getSpec().setInternalTrafficPolicy("Cluster");
      if (!"ClusterIP".equals(service.getSpec().getType())) {
        service.getSpec().getPorts().forEach(port -> port.setNodePort(30443));
        service.getSpec().setAllocateLoadBalancerNodePorts(true);
      }
      // A load balancer controller's own annotation.
      service.getMetadata().getAnnotations().put("lb.example.com/ip-allocated", "pool-a");
    }
    if (stored instanceof Deployment deployment) {
      deployment.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "2");
      deployment.getSpec().setProgressDeadlineSeconds(600);
      deployment.getSpec().setRevisionHistoryLimit(10);
      var pod = deployment.getSpec().getTemplate().getSpec();
      pod.setDnsPolicy("ClusterFirst");
      pod.setRestartPolicy("Always");
      pod.setSchedulerName("default-scheduler");
      pod.setServiceAccount(pod.getServiceAccountName());
      pod.getVolumes()
          .forEach(
              v -> {
                if (v.getConfigMap() != null) {
                  v.getConfigMap().setDefaultMode(420);
                }
              });
      var container = pod.getContainers().get(0);
      container.setImagePullPolicy("IfNotPresent");
      container.setTerminationMessagePath("/dev/termination-log");
      container.setTerminationMessagePolicy("File");
      // kubectl rollout restart
      deployment
          .getSpec()
          .getTemplate()
          .getMetadata()
          .getAnnotations()
          .put("kubectl.kubernetes.io/restartedAt", "2026-12-04T15:00:00Z");
    }
    return stored;
  }

  @Test
  void anUpdateKeepsWhatOthersAddedAndDropsWhatTheOperatorNoLongerWants() {
    var with =
        children(
            p -> {
              p.getSpec().service = new io.akproxy.operator.api.ServiceSpec();
              p.getSpec().service.annotations = java.util.Map.of("lb.example.com/internal", "true");
              p.getSpec().podAnnotations = java.util.Map.of("prometheus.io/scrape", "true");
            });
    var without = children(p -> p.getSpec().image = "image:2");

    Service service = ChildUpdate.over(serverStored(with.service()), JSON.clone(without.service()));
    assertThat(service.getMetadata().getAnnotations())
        .doesNotContainKey("lb.example.com/internal")
        .containsEntry("lb.example.com/ip-allocated", "pool-a");

    Deployment deployment =
        ChildUpdate.over(serverStored(with.deployment()), JSON.clone(without.deployment()));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainKey("prometheus.io/scrape")
        .containsEntry("kubectl.kubernetes.io/restartedAt", "2026-12-04T15:00:00Z");
    assertThat(deployment.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "2");
    assertThat(deployment.getMetadata().getResourceVersion()).isEqualTo("7");
  }

  @Test
  void theRestartAnnotationAndOtherWritersKeysAreNotDrift() {
    var children = children(p -> {});
    assertThat(ChildDrift.matches(JSON, children.deployment(), serverStored(children.deployment())))
        .isTrue();
    assertThat(ChildDrift.matches(JSON, children.service(), serverStored(children.service())))
        .isTrue();
  }
}
