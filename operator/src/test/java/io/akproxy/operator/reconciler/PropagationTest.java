package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.PodServedStatus;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.PodRefresh;
import io.akproxy.testkit.pki.Issued;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Status says what the pods serve, read from each pod's /status ({@link
 * io.akproxy.operator.FakeRuntimeKubelet}: its pods get new files only when they start, when the
 * Pod object changes, or at the kubelet's periodic sync), and the operator's annotation on the Pod
 * objects brings a change to them at once.
 */
class PropagationTest extends OperatorTestBase {

  private Issued rotate() {
    Issued rotated = TestResources.ssoCertificate();
    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, rotated)).update();
    return rotated;
  }

  private List<Pod> pods() {
    return kube.pods()
        .inNamespace(NS)
        .withLabel("app.kubernetes.io/instance", NAME)
        .list()
        .getItems();
  }

  @Test
  void aRotationReachesThePodsAtOnceThroughAnAnnotationOnThePodObjectsNotTheTemplate() {
    createSecretServiceAndProxy();
    awaitReady();
    Deployment before = awaitChild(Deployment.class);
    int syncs = kubelet.projections();

    Issued rotated = rotate();
    awaitStatus(
        proxy -> {
          assertCondition(proxy, ConditionType.CONFIG_APPLIED, "True", "ConfigServed");
          assertThat(proxy.getStatus().certificate.serial).isEqualTo(rotated.serialHex());
          assertThat(proxy.getStatus().pods.items)
              .hasSize(2)
              .allSatisfy(p -> assertThat(p.certificateSerial).isEqualTo(rotated.serialHex()));
          assertCondition(proxy, ConditionType.READY, "True", "Ready");
        });
    assertThat(kubelet.projections())
        .as("the pods got the new files from a Pod change, not a periodic sync")
        .isGreaterThan(syncs);
    assertThat(pods())
        .hasSize(2)
        .allSatisfy(
            pod ->
                assertThat(pod.getMetadata().getAnnotations()).containsKey(PodRefresh.ANNOTATION));
    Deployment after = awaitChild(Deployment.class);
    assertThat(after.getMetadata().getGeneration())
        .as("the Deployment was not changed: no roll")
        .isEqualTo(before.getMetadata().getGeneration());
    assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainKey(PodRefresh.ANNOTATION);
  }

  @Test
  void whileThePodsServeTheOldCertificateStatusSaysPropagatingUntilTheyServeTheNewOne() {
    createSecretServiceAndProxy();
    awaitReady();
    kubelet.syncOnPodChange(false); // a kubelet that only syncs periodically

    Issued rotated = rotate();
    awaitStatus(
        proxy -> {
          assertThat(proxy.getStatus().certificate.serial).isEqualTo(rotated.serialHex());
          assertThat(
                  assertCondition(proxy, ConditionType.CONFIG_APPLIED, "False", "Propagating")
                      .getMessage())
              .contains("0 of 2 Ready proxy pods serve")
              .contains("behind since")
              .contains("certificate " + certificate.serialHex());
          assertThat(proxy.getStatus().pods.current).isZero();
          assertCondition(proxy, ConditionType.READY, "False", "Propagating");
          assertCondition(proxy, ConditionType.RECONCILING, "True", "Propagating");
        });

    kubelet.periodicSync();
    awaitStatus(
        proxy -> {
          assertCondition(proxy, ConditionType.CONFIG_APPLIED, "True", "ConfigServed");
          assertThat(proxy.getStatus().pods.current).isEqualTo(2);
          assertCondition(proxy, ConditionType.READY, "True", "Ready");
          assertCondition(proxy, ConditionType.RECONCILING, "False", "Reconciled");
        });
  }

  @Test
  void aPodThatRefusesTheNewFilesIsReportedWithTheRuntimesMessage() {
    createSecretServiceAndProxy();
    awaitReady();
    String error = "/etc/akproxy/tls/tls.key: the private key does not match the certificate";
    kubelet.refuseReloads(error);

    rotate();
    awaitStatus(
        proxy -> {
          assertThat(
                  assertCondition(proxy, ConditionType.CONFIG_APPLIED, "False", "ReloadFailed")
                      .getMessage())
              .endsWith(error);
          assertThat(proxy.getStatus().pods.items)
              .extracting((PodServedStatus p) -> p.lastReloadError)
              .containsOnly(error);
          assertCondition(proxy, ConditionType.READY, "False", "ReloadFailed");
          assertCondition(proxy, ConditionType.STALLED, "True", "ReloadFailed");
        });
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventReasons()).contains("ReloadFailed"));

    kubelet.refuseReloads(null);
    kubelet.periodicSync();
    awaitCondition(ConditionType.READY, "True", "Ready");
  }

  @Test
  void podsThatServeTheDesiredStateAreNotReadAgainUntilSomethingChanges() {
    createSecretServiceAndProxy();
    awaitReady();
    reconciles.awaitQuiet();
    int reads = kubelet.statusReads();
    int started = reconciles.started();
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(8))
        .until(() -> kubelet.statusReads() == reads && reconciles.started() == started);
  }
}
