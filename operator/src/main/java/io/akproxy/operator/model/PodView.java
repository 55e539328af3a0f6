package io.akproxy.operator.model;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One proxy pod as status reports it: whether it is Ready, what its admin {@code /status} said (or
 * why it could not be read), and what its containers are stuck on, if anything.
 *
 * @param served the last reading of its {@code /status}; empty before the first one
 * @param readError why the last attempt to read {@code /status} failed; empty when it succeeded
 * @param problems a waiting or crashing container's reason and message ({@code ImagePullBackOff:
 *     Back-off pulling image ...}), to say why a rollout does not progress
 */
public record PodView(
    String name,
    boolean ready,
    Optional<ServedState> served,
    Optional<String> readError,
    List<String> problems) {

  public PodView {
    problems = List.copyOf(problems);
  }

  /** The facts of {@code pod}, with the latest reading of its {@code /status}. */
  public static PodView of(Pod pod, Optional<ServedState> served, Optional<String> readError) {
    return new PodView(pod.getMetadata().getName(), isReady(pod), served, readError, problems(pod));
  }

  /** Ready by its kubelet's report, and not on its way out. */
  public static boolean isReady(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
      return false;
    }
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static List<String> problems(Pod pod) {
    List<String> problems = new ArrayList<>();
    if (pod.getStatus() == null) {
      return problems;
    }
    for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
      var state = container.getState();
      if (state == null) {
        continue;
      }
      if (state.getWaiting() != null && state.getWaiting().getReason() != null) {
        problems.add(describe(state.getWaiting().getReason(), state.getWaiting().getMessage()));
      } else if (state.getTerminated() != null && state.getTerminated().getReason() != null) {
        problems.add(
            describe(state.getTerminated().getReason(), state.getTerminated().getMessage()));
      }
    }
    return problems;
  }

  private static String describe(String reason, String message) {
    return message == null || message.isBlank() ? reason : reason + ": " + message;
  }
}
