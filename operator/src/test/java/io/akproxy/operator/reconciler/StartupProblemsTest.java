package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.MockCluster;
import io.akproxy.operator.OperatorSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the operator says, instead of crash-looping, when the cluster is not ready for it. */
class StartupProblemsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aMissingPermissionIsReportedOnReadyzAndTheOperatorRecoversWhenGranted() {
    try (MockCluster cluster = new MockCluster()) {
      cluster.dispatcher.failNext(
          Integer.MAX_VALUE, "GET", "/api/v1/namespaces/authentik/secrets", 403);
      AkproxyOperator operator =
          new AkproxyOperator(
              cluster.operatorClient,
              // Start-up stops waiting for the list it cannot make after 2 s, not 2 minutes.
              OperatorSettings.forNamespaces("authentik")
                  .withCacheSyncTimeout(Duration.ofSeconds(2)),
              Clock.systemUTC(),
              new ReconcileCounter());
      try {
        operator.start(); // must not throw: a crash loop helps nobody
        await()
            .atMost(WAIT)
            .untilAsserted(
                () ->
                    assertThat(operator.readiness())
                        .hasValueSatisfying(
                            why -> assertThat(why).contains("secrets").contains("authentik")));
        assertThat(operator.isLive()).isTrue();

        cluster.dispatcher.failNext(0, "GET", "/api/v1/namespaces/authentik/secrets", 403);
        await().atMost(WAIT).until(() -> operator.readiness().isEmpty());
      } finally {
        operator.stop();
      }
    }
  }

  @Test
  void anApiServerOlderThan131IsNamedAsTheProblem() {
    try (MockCluster cluster = new MockCluster()) {
      cluster.dispatcher.kubernetesVersion("30");
      AkproxyOperator operator =
          new AkproxyOperator(
              cluster.operatorClient,
              OperatorSettings.forNamespaces("authentik"),
              Clock.systemUTC(),
              new ReconcileCounter());
      try {
        operator.start();
        Optional<String> why = operator.readiness();
        assertThat(why).hasValueSatisfying(w -> assertThat(w).contains("1.31").contains("1.30"));
      } finally {
        operator.stop();
      }
    }
  }
}
