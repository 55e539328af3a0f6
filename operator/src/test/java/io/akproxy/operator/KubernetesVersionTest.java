package io.akproxy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KubernetesVersionTest {

  @Test
  void olderThan131IsAProblemNewerAndManagedSuffixesAreNot() {
    assertThat(KubernetesVersion.problem("1", "30"))
        .hasValueSatisfying(m -> assertThat(m).contains("1.31"));
    assertThat(KubernetesVersion.problem("1", "29+")).isPresent();
    assertThat(KubernetesVersion.problem("1", "31")).isEmpty();
    assertThat(KubernetesVersion.problem("1", "32+")).isEmpty();
    assertThat(KubernetesVersion.problem("2", "0")).isEmpty();
    assertThat(KubernetesVersion.problem(null, "")).isEmpty();
  }
}
