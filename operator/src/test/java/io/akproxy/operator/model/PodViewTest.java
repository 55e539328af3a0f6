package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the operator reads from a proxy Pod: whether it counts as Ready, and what it is stuck on.
 */
class PodViewTest {

  private static PodBuilder pod(String readyStatus) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("sso-proxy-7d9-abcde")
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .endCondition()
        .addNewCondition()
        .withType("Ready")
        .withStatus(readyStatus)
        .endCondition()
        .endStatus();
  }

  @Test
  void aPodIsReadyByItsReadyConditionAndNotWhileItIsBeingDeleted() {
    assertThat(PodView.isReady(pod("True").build())).isTrue();
    assertThat(PodView.isReady(pod("False").build())).isFalse();
    // Terminating: still Ready until its endpoints go, but it is leaving and serves nothing new.
    Pod terminating =
        pod("True")
            .editMetadata()
            .withDeletionTimestamp("2026-12-04T22:00:00Z")
            .endMetadata()
            .build();
    assertThat(PodView.isReady(terminating)).isFalse();
    Pod pending = pod("True").withStatus(null).build();
    assertThat(PodView.isReady(pending)).isFalse();
    assertThat(PodView.of(pending, Optional.empty(), Optional.empty()).problems()).isEmpty();
  }

  @Test
  void whatEachContainerIsStuckOnIsReportedWithItsMessageWhenThereIsOne() {
    Pod stuck =
        pod("False")
            .editStatus()
            .addNewContainerStatus()
            .withName("proxy")
            .withNewState()
            .withNewWaiting()
            .withReason("ImagePullBackOff")
            .withMessage("Back-off pulling image \"akproxy:nope\"")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .addNewContainerStatus()
            .withName("sidecar")
            .withNewState()
            .withNewTerminated()
            .withReason("OOMKilled")
            .withExitCode(137)
            .endTerminated()
            .endState()
            .endContainerStatus()
            .addNewContainerStatus()
            .withName("starting")
            .withNewState()
            .withNewWaiting()
            .endWaiting()
            .endState()
            .endContainerStatus()
            .addNewContainerStatus()
            .withName("running")
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endContainerStatus()
            .addNewContainerStatus()
            .withName("unknown")
            .endContainerStatus()
            .endStatus()
            .build();
    PodView view = PodView.of(stuck, Optional.empty(), Optional.of("connection refused"));
    assertThat(view.name()).isEqualTo("sso-proxy-7d9-abcde");
    assertThat(view.ready()).isFalse();
    assertThat(view.readError()).contains("connection refused");
    assertThat(view.problems())
        .containsExactly("ImagePullBackOff: Back-off pulling image \"akproxy:nope\"", "OOMKilled");
  }
}
