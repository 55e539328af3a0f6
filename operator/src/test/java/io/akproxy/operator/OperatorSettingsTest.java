package io.akproxy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void anEmptyEnvironmentWatchesTheOwnNamespaceWithLeaderElectionAndTheDefaultImage() {
    OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of());
    assertThat(settings.namespacesToWatch("akproxy-system")).containsExactly("akproxy-system");
    assertThat(settings.leaderElection()).isTrue();
    assertThat(settings.runtimeImage()).isEqualTo("ghcr.io/akproxy/proxy-runtime:0.1.0");
    assertThat(settings.clusterDomain()).isEqualTo("cluster.local");
    assertThat(settings.leaseName()).isEqualTo("akproxy-operator");
    assertThat(settings.httpPort()).isEqualTo(8080);
    assertThat(settings.leaseDuration()).hasSeconds(15);
    assertThat(settings.exitOnLostLease()).isTrue();
    assertThat(settings.cacheSyncTimeout()).hasMinutes(2);
  }

  @Test
  void everyVariableIsRead() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                "AKPROXY_WATCH_NAMESPACES", " authentik, sso ,,",
                "AKPROXY_NAMESPACE", "akproxy-system",
                "AKPROXY_RUNTIME_IMAGE", "registry.example/akproxy:2",
                "AKPROXY_LEADER_ELECTION", "FALSE",
                "AKPROXY_LEASE_NAME", "akp",
                "AKPROXY_CLUSTER_DOMAIN", "corp.internal",
                "AKPROXY_HTTP_PORT", "9090",
                "AKPROXY_LEASE_DURATION_SECONDS", "30",
                "AKPROXY_POD_NAME", "akproxy-operator-7d9f",
                "AKPROXY_CACHE_SYNC_TIMEOUT_SECONDS", "300"));
    assertThat(settings.cacheSyncTimeout()).hasSeconds(300);
    assertThat(settings.namespacesToWatch("default")).containsExactlyInAnyOrder("authentik", "sso");
    assertThat(settings.ownNamespace("default")).isEqualTo("akproxy-system");
    assertThat(settings.runtimeImage()).isEqualTo("registry.example/akproxy:2");
    assertThat(settings.leaderElection()).isFalse();
    assertThat(settings.leaseName()).isEqualTo("akp");
    assertThat(settings.clusterDomain()).isEqualTo("corp.internal");
    assertThat(settings.httpPort()).isEqualTo(9090);
    assertThat(settings.leaseDuration()).hasSeconds(30);
    assertThat(settings.leaseIdentity()).isEqualTo("akproxy-operator-7d9f");
  }

  @Test
  void aStarWatchesEveryNamespace() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(Map.of("AKPROXY_WATCH_NAMESPACES", "*"));
    assertThat(settings.watchesAllNamespaces()).isTrue();
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("AKPROXY_WATCH_NAMESPACES", "*,a")))
        .hasMessageContaining("AKPROXY_WATCH_NAMESPACES");
  }

  @Test
  void aBadPortNamesTheVariable() {
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("AKPROXY_HTTP_PORT", "http")))
        .hasMessageContaining("AKPROXY_HTTP_PORT");
  }

  @Test
  void aBadBooleanNamesTheVariable() {
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("AKPROXY_LEADER_ELECTION", "yes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AKPROXY_LEADER_ELECTION")
        .hasMessageContaining("yes");
  }

  @org.junit.jupiter.api.Test
  void theRuntimeImageIsDerivedFromTheOperatorsUnlessGiven() {
    assertThat(
            OperatorSettings.fromEnvironment(
                    java.util.Map.of(
                        "AKPROXY_OPERATOR_IMAGE", "registry.local:5000/ak/operator:1.2"))
                .runtimeImage())
        .isEqualTo("registry.local:5000/ak/proxy-runtime:1.2");
    assertThat(
            OperatorSettings.fromEnvironment(
                    java.util.Map.of(
                        "AKPROXY_OPERATOR_IMAGE", "registry.local/ak/operator:1.2",
                        "AKPROXY_RUNTIME_IMAGE", "elsewhere/runtime:9"))
                .runtimeImage())
        .isEqualTo("elsewhere/runtime:9");
    assertThat(OperatorSettings.fromEnvironment(java.util.Map.of()).runtimeImage())
        .isEqualTo(OperatorSettings.DEFAULT_RUNTIME_IMAGE);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    java.util.Map.of(
                        "AKPROXY_OPERATOR_IMAGE", "ghcr.io/akproxy/operator@sha256:ab")))
        .hasMessageContaining("AKPROXY_RUNTIME_IMAGE");
  }
}
