package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.dependent.ForeignObjectException;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which failed writes are refusals that status reports, and which a retry fixes quietly. */
class ApplyRefusalTest {

  private static KubernetesClientException failure(int code, String reason, String message) {
    Status status =
        new StatusBuilder().withCode(code).withReason(reason).withMessage(message).build();
    return new KubernetesClientException(status);
  }

  @Test
  void aWriteTheApiServerRefusesIsReportedInItsOwnWords() {
    String webhook = "admission webhook \"policy.example\" denied the request: no LoadBalancer";
    assertThat(ApplyRefusal.of(failure(403, "Forbidden", webhook)))
        .hasValueSatisfying(m -> assertThat(m).contains("HTTP 403").endsWith(webhook));
    assertThat(ApplyRefusal.of(failure(422, "Invalid", "spec.ports[0].port: Invalid value")))
        .hasValueSatisfying(m -> assertThat(m).contains("spec.ports[0].port: Invalid value"));
  }

  @Test
  void aNameTakenByAnObjectTheOperatorDoesNotOwnIsARefusalButALostRaceIsNot() {
    assertThat(
            ApplyRefusal.of(
                failure(409, "AlreadyExists", "configmaps \"sso-proxy\" already exists")))
        .hasValueSatisfying(m -> assertThat(m).contains("does not control"));
    assertThat(ApplyRefusal.of(failure(409, "Conflict", "the object has been modified"))).isEmpty();
  }

  @Test
  void whatARetryFixesIsNotReported() {
    assertThat(ApplyRefusal.of(failure(404, "NotFound", "deployments \"sso-proxy\" not found")))
        .isEmpty();
    assertThat(ApplyRefusal.of(failure(429, "TooManyRequests", "slow down"))).isEmpty();
    assertThat(ApplyRefusal.of(failure(500, "InternalError", "etcd timeout"))).isEmpty();
    assertThat(ApplyRefusal.of(new IllegalStateException("a bug"))).isEmpty();
  }

  @Test
  void refusalsAreFoundInsideJosdksAggregateAndCauses() {
    AggregatedOperatorException aggregate =
        new AggregatedOperatorException(
            "workflow failed",
            Map.of(
                "service",
                new RuntimeException(failure(403, "Forbidden", "exceeded quota: services")),
                "configmap",
                new ForeignObjectException("ConfigMap sso-proxy exists and is not controlled")));
    assertThat(ApplyRefusal.of(aggregate))
        .hasValueSatisfying(
            m ->
                assertThat(m).contains("exceeded quota: services").contains("ConfigMap sso-proxy"));
  }
}
