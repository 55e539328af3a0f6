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

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final TestCertificates.Issued CERT =
      TestCertificates.issue(
          TestCertificates.ecKey(),
          List.of("sso.example.com"),
          T0.minus(Duration.ofDays(1)),
          T0.plus(Duration.ofDays(90)),
          TestCertificates.KeyFormat.PKCS8);

  private static AuthentikProxy proxy() {
    return TestResources.proxy("authentik", "sso");
  }

  private static Assessment assess(AuthentikProxy proxy, Optional<Secret> tls, Instant now) {
    return Assessment.of(
        proxy,
        new ClusterFacts(
            tls, Optional.empty(), Optional.of(TestResources.authentikService("authentik"))),
        "image",
        "cluster.local",
        now);
  }

  private static Optional<Secret> goodSecret() {
    return Optional.of(TestCertificates.tlsSecret("authentik", "sso-tls", CERT));
  }

  private static Deployment available(int replicas) {
    return new DeploymentBuilder()
        .withNewStatus()
        .withReadyReplicas(replicas)
        .withAvailableReplicas(replicas)
        .endStatus()
        .build();
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
        StatusModel.next(proxy, assessment, Optional.of(available(2)), Optional.of(lb), T0);
    assertThat(status.conditions)
        .extracting(Condition::getType)
        .containsExactly("Ready", "Accepted", "TLSReady", "UpstreamResolved", "Available");
    assertThat(status.conditions).allSatisfy(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(status.conditions)
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(1L));
    assertThat(status.observedGeneration).isEqualTo(1L);
    assertThat(status.replicaSummary).isEqualTo("2/2");
    assertThat(status.loadBalancerAddresses).containsExactly("203.0.113.7");
    assertThat(status.certificate.serial).isEqualTo(CERT.serialHex());
    assertThat(status.certificate.notAfter).isEqualTo(T0.plus(Duration.ofDays(90)).toString());
    assertThat(status.configHash).isEqualTo(assessment.config().orElseThrow().hash());
    assertThat(status.url).isEqualTo("https://sso.example.com/");
  }

  @Test
  void lastTransitionTimeIsKeptWhileAConditionKeepsItsStatus() {
    AuthentikProxy proxy = proxy();
    AuthentikProxyStatus first =
        StatusModel.next(
            proxy, assess(proxy, goodSecret(), T0), Optional.empty(), Optional.empty(), T0);
    proxy.setStatus(first);
    Instant later = T0.plus(Duration.ofMinutes(5));
    AuthentikProxyStatus second =
        StatusModel.next(
            proxy,
            assess(proxy, goodSecret(), later),
            Optional.of(available(1)),
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
        StatusModel.next(
            proxy,
            assess(proxy, goodSecret(), T0),
            Optional.of(available(2)),
            Optional.empty(),
            T0));
    Assessment missing = assess(proxy, Optional.empty(), T0);
    assertThat(missing.children()).as("children are left alone").isEmpty();
    AuthentikProxyStatus status =
        StatusModel.next(proxy, missing, Optional.of(available(2)), Optional.empty(), T0);
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
        StatusModel.next(
            proxy, assess(proxy, goodSecret(), T0), Optional.empty(), Optional.empty(), T0);
    assertThat(Transition.between(null, healthy)).isEmpty();
    assertThat(Transition.between(healthy, healthy)).isEmpty();

    proxy.setStatus(healthy);
    AuthentikProxyStatus broken =
        StatusModel.next(
            proxy, assess(proxy, Optional.empty(), T0), Optional.empty(), Optional.empty(), T0);
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
        StatusModel.next(
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
}
