package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestCertificates;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxyStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusModelTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final TestCertificates.Issued CERT =
      TestCertificates.issue(
          TestCertificates.ecKey(),
          List.of("sso.example.com"),
          T0.minus(Duration.ofDays(1)),
          T0.plus(Duration.ofDays(90)),
          TestCertificates.KeyFormat.PKCS8);

  static AuthentikProxy proxy() {
    return TestResources.proxy("authentik", "sso");
  }

  static Assessment assess(AuthentikProxy proxy, Optional<Secret> tls, Instant now) {
    return Assessment.of(
        proxy,
        new ClusterFacts(
            tls, Optional.empty(), Optional.of(TestResources.authentikService("authentik"))),
        "image",
        "cluster.local",
        "akproxy-system",
        now);
  }

  static Optional<Secret> goodSecret() {
    return Optional.of(TestCertificates.tlsSecret("authentik", "sso-tls", CERT));
  }

  /** A Deployment whose rollout is complete, with {@code replicas} pods of the current template. */
  static Deployment available(int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withGeneration(3L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(3L)
        .withReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withReadyReplicas(replicas)
        .withAvailableReplicas(replicas)
        .endStatus()
        .build();
  }

  /**
   * What the cluster shows: the Deployment, the Service, and for an available Deployment as many
   * Ready pods, each serving what the assessment renders (when it renders anything).
   */
  static Observed observed(
      Assessment assessment, Optional<Deployment> deployment, Optional<Service> service) {
    int pods =
        deployment
            .map(d -> d.getStatus() == null ? 0 : d.getStatus().getAvailableReplicas())
            .orElse(0);
    Optional<ServedState> served =
        assessment
            .config()
            .map(c -> new ServedState(c.hash(), CERT.serialHex(), Optional.empty(), false));
    List<PodView> views = new java.util.ArrayList<>();
    for (int i = 0; i < pods; i++) {
      views.add(new PodView("sso-proxy-" + i, true, served, Optional.empty(), List.of()));
    }
    return new Observed(deployment, service, views);
  }

  static AuthentikProxyStatus next(
      AuthentikProxy proxy,
      Assessment assessment,
      Optional<Deployment> deployment,
      Optional<Service> service,
      Instant now) {
    return StatusModel.next(proxy, assessment, observed(assessment, deployment, service), now);
  }

  private static Condition condition(AuthentikProxyStatus status, ConditionType type) {
    return StatusModel.find(status, type).orElseThrow();
  }

  @Test
  void everythingGoodAndAvailableIsReady() {
    AuthentikProxy proxy = proxy();
    Assessment assessment = assess(proxy, goodSecret(), T0);
    Service lb =
        new ServiceBuilder()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("203.0.113.7")
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();
    AuthentikProxyStatus status =
        next(proxy, assessment, Optional.of(available(2)), Optional.of(lb), T0);
    assertThat(status.conditions)
        .extracting(Condition::getType)
        .containsExactly(
            "Ready",
            "Accepted",
            "TLSReady",
            "UpstreamResolved",
            "Available",
            "ConfigApplied",
            "Reconciling",
            "Stalled");
    assertThat(status.conditions)
        .filteredOn(c -> !List.of("Reconciling", "Stalled").contains(c.getType()))
        .allSatisfy(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(condition(status, ConditionType.RECONCILING).getStatus()).isEqualTo("False");
    assertThat(condition(status, ConditionType.STALLED).getStatus()).isEqualTo("False");
    assertThat(condition(status, ConditionType.CONFIG_APPLIED).getReason())
        .isEqualTo("ConfigServed");
    assertThat(status.pods.total).isEqualTo(2);
    assertThat(status.pods.ready).isEqualTo(2);
    assertThat(status.pods.current).isEqualTo(2);
    assertThat(status.pods.items)
        .extracting(p -> p.name + " " + p.certificateSerial)
        .containsExactly("sso-proxy-0 " + CERT.serialHex(), "sso-proxy-1 " + CERT.serialHex());
    assertThat(status.conditions)
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(1L));
    assertThat(status.observedGeneration).isEqualTo(1L);
    assertThat(status.replicaSummary).isEqualTo("2/2");
    assertThat(status.loadBalancerAddresses).containsExactly("203.0.113.7");
    assertThat(status.certificate.serial).isEqualTo(CERT.serialHex());
    assertThat(status.certificate.notAfter).isEqualTo(T0.plus(Duration.ofDays(90)).toString());
    assertThat(status.configHash).isEqualTo(assessment.config().orElseThrow().hash());
    assertThat(status.url).isEqualTo("https://sso.example.com/");
    assertThat(status.hosts).isEqualTo("sso.example.com");
  }

  @Test
  void hostsAreReportedAsTextForKubectlGet() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().hosts = List.of("sso.example.com", "auth.example.com");
    AuthentikProxyStatus status =
        next(proxy, assess(proxy, Optional.empty(), T0), Optional.empty(), Optional.empty(), T0);
    assertThat(status.hosts).isEqualTo("sso.example.com,auth.example.com");
  }

  @Test
  void lastTransitionTimeIsKeptWhileAConditionKeepsItsStatus() {
    AuthentikProxy proxy = proxy();
    AuthentikProxyStatus first =
        next(proxy, assess(proxy, goodSecret(), T0), Optional.empty(), Optional.empty(), T0);
    proxy.setStatus(first);
    Instant later = T0.plus(Duration.ofMinutes(5));
    AuthentikProxyStatus second =
        next(
            proxy,
            assess(proxy, goodSecret(), later),
            Optional.of(available(2)),
            Optional.empty(),
            later);
    assertThat(condition(second, ConditionType.TLS_READY).getLastTransitionTime())
        .isEqualTo(T0.toString());
    assertThat(condition(second, ConditionType.AVAILABLE).getLastTransitionTime())
        .as("Available went from False to True")
        .isEqualTo(later.toString());
  }

  @Test
  void aBadSecretFailsReadyWithItsReasonAndKeepsReportingWhatIsServed() {
    AuthentikProxy proxy = proxy();
    proxy.setStatus(
        next(
            proxy,
            assess(proxy, goodSecret(), T0),
            Optional.of(available(2)),
            Optional.empty(),
            T0));
    Assessment missing = assess(proxy, Optional.empty(), T0);
    assertThat(missing.children()).as("children are left alone").isEmpty();
    AuthentikProxyStatus status =
        next(proxy, missing, Optional.of(available(2)), Optional.empty(), T0);
    Condition ready = condition(status, ConditionType.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("SecretNotFound");
    assertThat(ready.getMessage()).startsWith("TLSReady: ");
    assertThat(status.certificate.serial).isEqualTo(CERT.serialHex());
    assertThat(status.configHash).isEqualTo(proxy.getStatus().configHash);
  }

  @Test
  void anInvalidSpecIsNotAcceptedAndNamesTheSpecField() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().proxyProtocol = true;
    proxy.getSpec().path = "authentik";
    Assessment assessment = assess(proxy, goodSecret(), T0);
    assertThat(assessment.accepted().holds()).isFalse();
    assertThat(assessment.accepted().reason()).isEqualTo(Reason.INVALID_SPEC);
    assertThat(assessment.accepted().message())
        .contains("spec.proxyProtocol")
        .contains("spec.path");
    assertThat(assessment.children()).isEmpty();
  }

  @Test
  void transitionsAreReportedOnceAndHealthyCreationIsQuiet() {
    AuthentikProxy proxy = proxy();
    AuthentikProxyStatus healthy =
        next(proxy, assess(proxy, goodSecret(), T0), Optional.empty(), Optional.empty(), T0);
    assertThat(Transition.between(null, healthy)).isEmpty();
    assertThat(Transition.between(healthy, healthy)).isEmpty();

    proxy.setStatus(healthy);
    AuthentikProxyStatus broken =
        next(proxy, assess(proxy, Optional.empty(), T0), Optional.empty(), Optional.empty(), T0);
    assertThat(Transition.between(healthy, broken))
        .containsExactly(
            new Transition(
                ConditionType.TLS_READY,
                "False",
                "SecretNotFound",
                condition(broken, ConditionType.TLS_READY).getMessage(),
                true));
    assertThat(Transition.between(broken, broken)).isEmpty();

    proxy.setStatus(broken);
    Instant nearExpiry = T0.plus(Duration.ofDays(80));
    AuthentikProxyStatus expiring =
        next(
            proxy,
            assess(proxy, goodSecret(), nearExpiry),
            Optional.empty(),
            Optional.empty(),
            nearExpiry);
    assertThat(condition(expiring, ConditionType.TLS_READY).getStatus()).isEqualTo("True");
    assertThat(Transition.between(broken, expiring))
        .extracting(Transition::reason, Transition::warning)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("CertificateExpiringSoon", true));
  }

  static final ServedState OLD =
      new ServedState("sha256:0123456789abcdef", "5eed", Optional.empty(), false);

  /** A status computed after a good one, with these pods. */
  static AuthentikProxyStatus withPods(
      AuthentikProxy proxy, Deployment deployment, Instant now, PodView... pods) {
    Assessment assessment = assess(proxy, goodSecret(), now);
    return StatusModel.next(
        proxy,
        assessment,
        new Observed(Optional.of(deployment), Optional.empty(), List.of(pods)),
        now);
  }

  static PodView pod(String name, boolean ready, Optional<ServedState> served) {
    return new PodView(name, ready, served, Optional.empty(), List.of());
  }

  static Optional<ServedState> current(AuthentikProxy proxy) {
    return Optional.of(
        new ServedState(
            assess(proxy, goodSecret(), T0).config().orElseThrow().hash(),
            CERT.serialHex(),
            Optional.empty(),
            false));
  }

  @Test
  void aPodBehindIsPropagatingSinceWhenItFellBehindAndNotReadyPodsAreNotHeldToIt() {
    AuthentikProxy proxy = proxy();
    proxy.setStatus(
        next(
            proxy,
            assess(proxy, goodSecret(), T0),
            Optional.of(available(2)),
            Optional.empty(),
            T0));
    Instant later = T0.plusSeconds(30);
    AuthentikProxyStatus status =
        withPods(
            proxy,
            available(2),
            later,
            pod("sso-proxy-a", true, current(proxy)),
            pod("sso-proxy-b", true, Optional.of(OLD)),
            pod("sso-proxy-c", false, Optional.empty()));
    Condition applied = condition(status, ConditionType.CONFIG_APPLIED);
    assertThat(applied.getStatus()).isEqualTo("False");
    assertThat(applied.getReason()).isEqualTo("Propagating");
    assertThat(applied.getMessage())
        .contains("1 of 2 Ready proxy pods serve")
        .contains("behind since " + later)
        .contains("sso-proxy-b serves config sha256:0123456789ab and certificate 5eed");
    assertThat(status.pods.total).isEqualTo(3);
    assertThat(status.pods.ready).isEqualTo(2);
    assertThat(status.pods.current).isEqualTo(1);
    Condition ready = condition(status, ConditionType.READY);
    assertThat(ready.getReason()).isEqualTo("Propagating");
    assertThat(ready.getMessage()).startsWith("ConfigApplied: ");
    assertThat(condition(status, ConditionType.RECONCILING).getStatus()).isEqualTo("True");
    assertThat(condition(status, ConditionType.RECONCILING).getReason()).isEqualTo("Propagating");
    assertThat(condition(status, ConditionType.STALLED).getStatus()).isEqualTo("False");

    // Still behind a minute later: "since" stays when it fell behind.
    proxy.setStatus(status);
    Instant evenLater = later.plusSeconds(60);
    AuthentikProxyStatus still =
        withPods(
            proxy,
            available(2),
            evenLater,
            pod("sso-proxy-a", true, current(proxy)),
            pod("sso-proxy-b", true, Optional.of(OLD)));
    assertThat(condition(still, ConditionType.CONFIG_APPLIED).getMessage())
        .contains("behind since " + later);

    // Once it serves the desired state, everything holds.
    proxy.setStatus(still);
    AuthentikProxyStatus caughtUp =
        withPods(
            proxy,
            available(2),
            evenLater,
            pod("sso-proxy-a", true, current(proxy)),
            pod("sso-proxy-b", true, current(proxy)));
    assertThat(condition(caughtUp, ConditionType.CONFIG_APPLIED).getStatus()).isEqualTo("True");
    assertThat(condition(caughtUp, ConditionType.READY).getStatus()).isEqualTo("True");
  }

  @Test
  void aPodThatRefusedItsFilesIsReloadFailedWithTheRuntimesOwnWordsAndStalls() {
    AuthentikProxy proxy = proxy();
    String error = "/etc/akproxy/tls/tls.key: the private key does not match the certificate";
    AuthentikProxyStatus status =
        withPods(
            proxy,
            available(2),
            T0,
            pod("sso-proxy-a", true, current(proxy)),
            pod(
                "sso-proxy-b",
                true,
                Optional.of(
                    new ServedState(
                        OLD.configHash(), OLD.certificateSerial(), Optional.of(error), false))));
    Condition applied = condition(status, ConditionType.CONFIG_APPLIED);
    assertThat(applied.getReason()).isEqualTo("ReloadFailed");
    assertThat(applied.getMessage()).contains("sso-proxy-b").endsWith(error);
    assertThat(status.pods.items.get(1).lastReloadError).isEqualTo(error);
    assertThat(condition(status, ConditionType.STALLED).getStatus()).isEqualTo("True");
    assertThat(condition(status, ConditionType.STALLED).getReason()).isEqualTo("ReloadFailed");
    assertThat(condition(status, ConditionType.RECONCILING).getStatus()).isEqualTo("False");
  }

  @Test
  void aPodWhoseStatusCannotBeReadSaysSoAndPointsAtTheNetworkPolicy() {
    AuthentikProxy proxy = proxy();
    AuthentikProxyStatus status =
        withPods(
            proxy,
            available(1),
            T0,
            new PodView(
                "sso-proxy-a",
                true,
                Optional.empty(),
                Optional.of("ConnectException: Connection refused"),
                List.of()));
    Condition applied = condition(status, ConditionType.CONFIG_APPLIED);
    assertThat(applied.getReason()).isEqualTo("PodStatusUnreadable");
    assertThat(applied.getMessage()).contains("Connection refused").contains("NetworkPolicy");
    assertThat(status.pods.items.get(0).statusError).contains("Connection refused");
  }

  @Test
  void aRolloutIsAvailableOnlyOnceCompleteAndStuckPastItsDeadline() {
    AuthentikProxy proxy = proxy();
    Deployment unseen = available(2);
    unseen.getMetadata().setGeneration(4L);
    Verdict verdict = StatusModel.available(proxy, Optional.of(unseen), true, List.of());
    assertThat(verdict.reason()).isEqualTo(Reason.ROLLOUT_IN_PROGRESS);
    assertThat(verdict.message()).contains("not yet seen");

    Deployment rolling = available(2);
    rolling.getStatus().setUpdatedReplicas(1);
    rolling.getStatus().setReplicas(3);
    verdict = StatusModel.available(proxy, Optional.of(rolling), true, List.of());
    assertThat(verdict.holds()).as("one old pod still available is not enough").isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.ROLLOUT_IN_PROGRESS);
    assertThat(verdict.message()).contains("1 of 2 proxy pods run the current pod template, 2 old");

    Deployment stuck = available(2);
    stuck.getStatus().setUpdatedReplicas(1);
    stuck.getStatus().setReplicas(3);
    stuck
        .getStatus()
        .getConditions()
        .add(
            new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
                .withType("Progressing")
                .withStatus("False")
                .withReason("ProgressDeadlineExceeded")
                .withMessage("ReplicaSet \"sso-proxy-5d8\" has timed out progressing.")
                .build());
    PodView pulling =
        new PodView(
            "sso-proxy-new",
            false,
            Optional.empty(),
            Optional.empty(),
            List.of("ImagePullBackOff: Back-off pulling image \"akproxy:nope\""));
    AuthentikProxyStatus status =
        withPods(proxy, stuck, T0, pod("sso-proxy-a", true, current(proxy)), pulling);
    Condition available = condition(status, ConditionType.AVAILABLE);
    assertThat(available.getReason()).isEqualTo("RolloutStuck");
    assertThat(available.getMessage())
        .contains("timed out progressing")
        .contains("pod sso-proxy-new: ImagePullBackOff");
    assertThat(condition(status, ConditionType.READY).getReason()).isEqualTo("RolloutStuck");
    assertThat(condition(status, ConditionType.STALLED).getStatus()).isEqualTo("True");
    assertThat(condition(status, ConditionType.RECONCILING).getStatus()).isEqualTo("False");
  }

  @Test
  void zeroReplicasIsReportedAsAskedForNotAsAFailure() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().replicas = 0;
    AuthentikProxyStatus status = withPods(proxy, available(0), T0);
    assertThat(condition(status, ConditionType.AVAILABLE).getStatus()).isEqualTo("True");
    assertThat(condition(status, ConditionType.AVAILABLE).getReason()).isEqualTo("ScaledToZero");
    assertThat(condition(status, ConditionType.CONFIG_APPLIED).getReason())
        .isEqualTo("ScaledToZero");
    Condition ready = condition(status, ConditionType.READY);
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo("ScaledToZero");
    assertThat(condition(status, ConditionType.RECONCILING).getStatus()).isEqualTo("False");
    assertThat(condition(status, ConditionType.STALLED).getStatus()).isEqualTo("False");
  }

  @Test
  void aMissingSecretIsInProgressForKstatusNotStalled() {
    AuthentikProxy proxy = proxy();
    AuthentikProxyStatus status =
        next(proxy, assess(proxy, Optional.empty(), T0), Optional.empty(), Optional.empty(), T0);
    assertThat(condition(status, ConditionType.RECONCILING).getStatus()).isEqualTo("True");
    assertThat(condition(status, ConditionType.RECONCILING).getReason())
        .isEqualTo("SecretNotFound");
    assertThat(condition(status, ConditionType.STALLED).getStatus()).isEqualTo("False");
  }

  @Test
  void anInvalidSpecStalls() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().path = "authentik";
    AuthentikProxyStatus status =
        next(proxy, assess(proxy, goodSecret(), T0), Optional.empty(), Optional.empty(), T0);
    Condition stalled = condition(status, ConditionType.STALLED);
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("InvalidSpec");
    assertThat(stalled.getMessage()).startsWith("Accepted: ").contains("spec.path");
    assertThat(condition(status, ConditionType.RECONCILING).getStatus()).isEqualTo("False");
  }

  @Test
  void aRefusedApplyFailsReadyWithTheApiServersMessageAndKeepsTheRest() {
    AuthentikProxy proxy = proxy();
    proxy.setStatus(
        next(
            proxy,
            assess(proxy, goodSecret(), T0),
            Optional.of(available(2)),
            Optional.empty(),
            T0));
    proxy.getMetadata().setGeneration(2L);
    String message = "admission webhook \"policy.example\" denied the request: no LoadBalancer";
    AuthentikProxyStatus status = StatusModel.refused(proxy, message, T0.plusSeconds(5));
    Condition ready = condition(status, ConditionType.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("ApplyFailed");
    assertThat(ready.getMessage()).isEqualTo(message);
    assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    assertThat(condition(status, ConditionType.STALLED).getReason()).isEqualTo("ApplyFailed");
    assertThat(condition(status, ConditionType.RECONCILING).getStatus()).isEqualTo("False");
    assertThat(condition(status, ConditionType.TLS_READY).getStatus()).isEqualTo("True");
    assertThat(status.observedGeneration).isEqualTo(2L);
    assertThat(status.configHash).isEqualTo(proxy.getStatus().configHash);
  }
}
