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
    desired
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getResources()
        .getRequests()
        .put("cpu", new Quantity("0.5"));
    Deployment actual = JSON.clone(desired);
    var requests =
        actual
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getResources()
            .getRequests();
    requests.put("cpu", new Quantity("500m"));
    assertThat(ChildDrift.matches(JSON, desired, actual)).isTrue();
    requests.put("cpu", new Quantity("600m"));
    assertThat(ChildDrift.matches(JSON, desired, actual)).isFalse();
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
}
