package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.Simulation;
import io.akproxy.testkit.kube.SimulatedCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the operator says, instead of crash-looping, when the cluster is not ready for it. */
class StartupProblemsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aMissingPermissionIsReportedOnReadyzAndTheOperatorRecoversWhenGranted() {
    try (SimulatedCluster cluster = Simulation.start("authentik")) {
      cluster
          .faults()
          .failNext(Integer.MAX_VALUE, "GET", "/api/v1/namespaces/authentik/secrets", 403);
      AkproxyOperator operator =
          new AkproxyOperator(
              Simulation.operatorClient(cluster),
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

        cluster.faults().clear(); // the Role is granted
        await().atMost(WAIT).until(() -> operator.readiness().isEmpty());
      } finally {
        operator.stop();
      }
    }
  }

  @Test
  void anApiServerOlderThan131IsNamedAsTheProblem() {
    try (SimulatedCluster cluster = Simulation.start("authentik")) {
      AkproxyOperator operator =
          new AkproxyOperator(
              onKubernetes130(Simulation.operatorClient(cluster)),
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

  /**
   * The client, but the API server it reports is Kubernetes 1.30. testkit-kube always claims 1.32
   * (kubectl's own version), with no setting for another.
   */
  private static KubernetesClient onKubernetes130(KubernetesClient client) {
    VersionInfo old =
        new VersionInfo.Builder().withMajor("1").withMinor("30").withGitVersion("v1.30.0").build();
    return (KubernetesClient)
        Proxy.newProxyInstance(
            KubernetesClient.class.getClassLoader(),
            new Class<?>[] {KubernetesClient.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getKubernetesVersion")
                  && method.getParameterCount() == 0) {
                return old;
              }
              try {
                return method.invoke(client, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
