package io.akproxy.operator.model;

import static io.akproxy.operator.Conditions.assertCondition;
import static io.akproxy.operator.Conditions.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxyStatus;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
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
  static final Issued CERT =
      Certificates.forHosts("sso.example.com")
          .notBefore(T0.minus(Duration.ofDays(1)))
          .notAfter(T0.plus(Duration.ofDays(90)))
          .issue();

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
    return Optional.of(TestResources.tlsSecret("authentik", "sso-tls", CERT));
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

  /** Gives {@code proxy} the status of a healthy reconcile at T0, two pods serving. */
  static void settledAtT0(AuthentikProxy proxy) {
    proxy.setStatus(
        next(
            proxy,
            assess(proxy, goodSecret(), T0),
            Optional.of(available(2)),
            Optional.empty(),
            T0));
  }

  static AuthentikProxyStatus next(
      AuthentikProxy proxy,
      Assessment assessment,
      Optional<Deployment> deployment,
      Optional<Service> service,
      Instant now) {
    return StatusModel.next(proxy, assessment, observed(assessment, deployment, service), now);
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
    assertThat(
            assertCondition(status, ConditionType.RECONCILING, "False", "Reconciled").getMessage())
        .isEqualTo("nothing left to do");
    assertCondition(status, ConditionType.STALLED, "False", "NotStalled");
    assertCondition(status, ConditionType.CONFIG_APPLIED, "True", "ConfigServed");
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
    settledAtT0(proxy);
    Assessment missing = assess(proxy, Optional.empty(), T0);
    assertThat(missing.children()).as("children are left alone").isEmpty();
    AuthentikProxyStatus status =
        next(proxy, missing, Optional.of(available(2)), Optional.empty(), T0);
    Condition ready = assertCondition(status, ConditionType.READY, "False", "SecretNotFound");
    assertThat(ready.getMessage()).startsWith("TLSReady: ");
    assertThat(status.certificate.serial).isEqualTo(CERT.serialHex());
    assertThat(status.configHash).isEqualTo(proxy.getStatus().configHash);
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
    assertCondition(expiring, ConditionType.TLS_READY, "True", "CertificateExpiringSoon");
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
    settledAtT0(proxy);
    Instant later = T0.plusSeconds(30);
    AuthentikProxyStatus status =
        withPods(
            proxy,
            available(2),
            later,
            pod("sso-proxy-a", true, current(proxy)),
            pod("sso-proxy-b", true, Optional.of(OLD)),
            pod("sso-proxy-c", false, Optional.empty()));
    Condition applied =
        assertCondition(status, ConditionType.CONFIG_APPLIED, "False", "Propagating");
    assertThat(applied.getMessage())
        .contains("1 of 2 Ready proxy pods serve")
        .contains("behind since " + later)
        .contains("sso-proxy-b serves config sha256:0123456789ab and certificate 5eed");
    assertThat(status.pods.total).isEqualTo(3);
    assertThat(status.pods.ready).isEqualTo(2);
    assertThat(status.pods.current).isEqualTo(1);
    Condition ready = assertCondition(status, ConditionType.READY, "False", "Propagating");
    assertThat(ready.getMessage()).startsWith("ConfigApplied: ");
    assertCondition(status, ConditionType.RECONCILING, "True", "Propagating");
    assertCondition(status, ConditionType.STALLED, "False", "NotStalled");

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
    assertCondition(caughtUp, ConditionType.CONFIG_APPLIED, "True", "ConfigServed");
    assertCondition(caughtUp, ConditionType.READY, "True", "Ready");
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
    Condition applied =
        assertCondition(status, ConditionType.CONFIG_APPLIED, "False", "ReloadFailed");
    assertThat(applied.getMessage()).contains("sso-proxy-b").endsWith(error);
    assertThat(status.pods.items.get(1).lastReloadError).isEqualTo(error);
    assertCondition(status, ConditionType.STALLED, "True", "ReloadFailed");
    assertCondition(status, ConditionType.RECONCILING, "False", "Reconciled");
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
    Condition applied =
        assertCondition(status, ConditionType.CONFIG_APPLIED, "False", "PodStatusUnreadable");
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
    Condition available = assertCondition(status, ConditionType.AVAILABLE, "False", "RolloutStuck");
    assertThat(available.getMessage())
        .contains("timed out progressing")
        .contains("pod sso-proxy-new: ImagePullBackOff");
    assertCondition(status, ConditionType.READY, "False", "RolloutStuck");
    assertCondition(status, ConditionType.STALLED, "True", "RolloutStuck");
    assertCondition(status, ConditionType.RECONCILING, "False", "Reconciled");
  }

  @Test
  void zeroReplicasIsReportedAsAskedForNotAsAFailure() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().replicas = 0;
    AuthentikProxyStatus status = withPods(proxy, available(0), T0);
    assertCondition(status, ConditionType.AVAILABLE, "True", "ScaledToZero");
    assertCondition(status, ConditionType.CONFIG_APPLIED, "True", "ScaledToZero");
    assertCondition(status, ConditionType.READY, "True", "ScaledToZero");
    assertCondition(status, ConditionType.RECONCILING, "False", "Reconciled");
    assertCondition(status, ConditionType.STALLED, "False", "NotStalled");
  }

  @Test
  void aMissingSecretIsInProgressForKstatusNotStalled() {
    AuthentikProxy proxy = proxy();
    AuthentikProxyStatus status =
        next(proxy, assess(proxy, Optional.empty(), T0), Optional.empty(), Optional.empty(), T0);
    assertCondition(status, ConditionType.RECONCILING, "True", "SecretNotFound");
    assertCondition(status, ConditionType.STALLED, "False", "NotStalled");
  }

  @Test
  void anInvalidSpecStalls() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().path = "authentik";
    AuthentikProxyStatus status =
        next(proxy, assess(proxy, goodSecret(), T0), Optional.empty(), Optional.empty(), T0);
    Condition stalled = assertCondition(status, ConditionType.STALLED, "True", "InvalidSpec");
    assertThat(stalled.getMessage()).startsWith("Accepted: ").contains("spec.path");
    assertThat(
            assertCondition(status, ConditionType.RECONCILING, "False", "Reconciled").getMessage())
        .isEqualTo("stalled: see Stalled");
  }

  @Test
  void aRefusedApplyFailsReadyWithTheApiServersMessageAndKeepsTheRest() {
    AuthentikProxy proxy = proxy();
    settledAtT0(proxy);
    proxy.getMetadata().setGeneration(2L);
    String message = "admission webhook \"policy.example\" denied the request: no LoadBalancer";
    AuthentikProxyStatus status = StatusModel.refused(proxy, message, T0.plusSeconds(5));
    Condition ready = assertCondition(status, ConditionType.READY, "False", "ApplyFailed");
    assertThat(ready.getMessage()).isEqualTo(message);
    assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    assertCondition(status, ConditionType.STALLED, "True", "ApplyFailed");
    assertCondition(status, ConditionType.RECONCILING, "False", "Reconciled");
    assertCondition(status, ConditionType.TLS_READY, "True", "CertificateValid");
    assertThat(status.observedGeneration).isEqualTo(2L);
    assertThat(status.configHash).isEqualTo(proxy.getStatus().configHash);
  }

  @Test
  void aDeploymentTheControllerHasNotSeenYetIsInProgress() {
    Deployment created =
        new DeploymentBuilder()
            .withNewMetadata()
            .withGeneration(1L)
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .endSpec()
            .build();
    Verdict verdict = StatusModel.available(proxy(), Optional.of(created), true, List.of());
    assertThat(verdict.reason()).isEqualTo(Reason.ROLLOUT_IN_PROGRESS);
    assertThat(verdict.message())
        .isEqualTo(
            "the Deployment controller has not yet seen the latest change of Deployment"
                + " sso-proxy");
  }

  @Test
  void oldPodsStillRunningOnceEveryNewOneIsUpKeepTheRolloutInProgress() {
    Deployment ending = available(2);
    ending.getStatus().setReplicas(3);
    Verdict verdict = StatusModel.available(proxy(), Optional.of(ending), true, List.of());
    assertThat(verdict.reason()).isEqualTo(Reason.ROLLOUT_IN_PROGRESS);
    assertThat(verdict.message())
        .isEqualTo("2 of 2 proxy pods run the current pod template, 1 old ones still run");
    // Scaling up: a new pod still to come and no old one left.
    Deployment growing = available(2);
    growing.getStatus().setUpdatedReplicas(1);
    growing.getStatus().setReplicas(1);
    assertThat(StatusModel.available(proxy(), Optional.of(growing), true, List.of()).message())
        .isEqualTo("1 of 2 proxy pods run the current pod template");
  }

  @Test
  void withoutItsDeploymentAvailableSaysWhetherItIsBeingCreatedOrWaitsForTheInputs() {
    assertThat(StatusModel.available(proxy(), Optional.empty(), true, List.of()).message())
        .isEqualTo("Deployment sso-proxy is being created");
    assertThat(StatusModel.available(proxy(), Optional.empty(), false, List.of()).message())
        .isEqualTo("Deployment sso-proxy is not created until the conditions above hold");
  }

  @Test
  void aCompleteRolloutIsAvailableFromOneAvailablePodAndNamesAtMostThreeStuckOnes() {
    Deployment none = available(2);
    none.getStatus().setAvailableReplicas(0);
    List<PodView> crashing = new java.util.ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      crashing.add(
          new PodView(
              "sso-proxy-" + name,
              false,
              Optional.empty(),
              Optional.empty(),
              List.of("CrashLoopBackOff: back-off restarting failed container")));
    }
    Verdict unavailable = StatusModel.available(proxy(), Optional.of(none), true, crashing);
    assertThat(unavailable.reason()).isEqualTo(Reason.REPLICAS_UNAVAILABLE);
    assertThat(unavailable.message())
        .startsWith("0 of 2 proxy pods available; see kubectl describe deployment sso-proxy")
        .contains("; pod sso-proxy-a: CrashLoopBackOff")
        .contains("; pod sso-proxy-c: CrashLoopBackOff")
        .doesNotContain("sso-proxy-d");

    Deployment one = available(2);
    one.getStatus().setAvailableReplicas(1);
    Verdict available = StatusModel.available(proxy(), Optional.of(one), true, List.of());
    assertThat(available.holds()).isTrue();
    assertThat(available.message()).isEqualTo("1 of 2 proxy pods available");
  }

  @Test
  void withAnAutoscalerTheDesiredCountIsTheOneItSetOnTheDeployment() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().replicas = 3;
    proxy.getSpec().autoscaling = new io.akproxy.operator.api.AutoscalingSpec();
    proxy.getSpec().autoscaling.minReplicas = 2;
    proxy.getSpec().autoscaling.maxReplicas = 5;
    Assessment assessment = assess(proxy, goodSecret(), T0);
    AuthentikProxyStatus scaled =
        next(proxy, assessment, Optional.of(available(4)), Optional.empty(), T0);
    assertThat(scaled.replicas).isEqualTo(4);
    assertThat(scaled.replicaSummary).isEqualTo("4/4");
    assertCondition(scaled, ConditionType.AVAILABLE, "True", "MinimumReplicasAvailable");
    // Before the Deployment exists (or without a count on it), the autoscaler's minimum.
    Deployment uncounted = available(4);
    uncounted.getSpec().setReplicas(null);
    for (Optional<Deployment> deployment :
        List.of(Optional.<Deployment>empty(), Optional.of(uncounted))) {
      assertThat(next(proxy, assessment, deployment, Optional.empty(), T0).replicas).isEqualTo(2);
    }
  }

  @Test
  void statusNamesTheAutoscalerAndNetworkPolicyAppliedAndKeepsThemWhileChildrenAreHeldBack() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().autoscaling = new io.akproxy.operator.api.AutoscalingSpec();
    proxy.getSpec().autoscaling.maxReplicas = 5;
    proxy.getSpec().networkPolicy = new io.akproxy.operator.api.NetworkPolicySpec();
    AuthentikProxyStatus applied =
        next(proxy, assess(proxy, goodSecret(), T0), Optional.empty(), Optional.empty(), T0);
    assertThat(applied.autoscaler).isEqualTo("sso-proxy");
    assertThat(applied.networkPolicy).isEqualTo("sso-proxy");

    proxy.setStatus(applied);
    proxy.getSpec().autoscaling = null;
    proxy.getSpec().networkPolicy = null;
    AuthentikProxyStatus heldBack =
        next(proxy, assess(proxy, Optional.empty(), T0), Optional.empty(), Optional.empty(), T0);
    assertThat(heldBack.autoscaler).as("still there: nothing was applied").isEqualTo("sso-proxy");
    assertThat(heldBack.networkPolicy).isEqualTo("sso-proxy");

    AuthentikProxyStatus removed =
        next(proxy, assess(proxy, goodSecret(), T0), Optional.empty(), Optional.empty(), T0);
    assertThat(removed.autoscaler).isNull();
    assertThat(removed.networkPolicy).isNull();
  }

  @Test
  void theUrlIsTheFirstHostThatIsNotAWildcardOnTheServicePortAndPath() {
    AuthentikProxy proxy = proxy();
    proxy.getSpec().hosts = List.of("*.example.com", "sso.example.com");
    proxy.getSpec().service = new io.akproxy.operator.api.ServiceSpec();
    proxy.getSpec().service.httpsPort = 8443;
    proxy.getSpec().path = "/auth/";
    assertThat(statusOf(proxy).url).isEqualTo("https://sso.example.com:8443/auth/");
    proxy.getSpec().hosts = List.of("*.example.com");
    assertThat(statusOf(proxy).url).as("no host to name").isNull();
  }

  @Test
  void aLoadBalancerIsReportedByAddressOrByNameAsItsProviderGivesIt() {
    Service lb =
        new ServiceBuilder()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withHostname("a1b2c3.elb.eu-west-1.amazonaws.com")
            .endIngress()
            .addNewIngress()
            .withIp("203.0.113.7")
            .endIngress()
            .addNewIngress()
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();
    AuthentikProxy proxy = proxy();
    Assessment assessment = assess(proxy, goodSecret(), T0);
    assertThat(next(proxy, assessment, Optional.empty(), Optional.of(lb), T0).loadBalancerAddresses)
        .containsExactly("a1b2c3.elb.eu-west-1.amazonaws.com", "203.0.113.7");
    Service pending = new ServiceBuilder().withNewStatus().endStatus().build();
    assertThat(
            next(proxy, assessment, Optional.empty(), Optional.of(pending), T0)
                .loadBalancerAddresses)
        .isNull();
  }

  private static AuthentikProxyStatus statusOf(AuthentikProxy proxy) {
    return next(proxy, assess(proxy, goodSecret(), T0), Optional.empty(), Optional.empty(), T0);
  }
}
