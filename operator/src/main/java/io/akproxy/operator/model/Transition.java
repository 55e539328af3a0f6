package io.akproxy.operator.model;

import io.akproxy.operator.api.AuthentikProxyStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A condition that changed between two statuses: what an Event reports. Events are only for
 * transitions, so repeated reconciles of an unchanged resource emit none.
 */
public record Transition(
    ConditionType type, String status, String reason, String message, boolean warning) {

  /** Reasons that warrant attention even while the condition holds. */
  private static final List<String> WARNING_WHILE_TRUE =
      List.of(Reason.CERTIFICATE_EXPIRING_SOON.value());

  /** Reasons of a False condition that are progress, not trouble: Normal events. */
  private static final List<String> PROGRESS =
      List.of(
          Reason.DEPLOYMENT_PENDING.value(),
          Reason.ROLLOUT_IN_PROGRESS.value(),
          Reason.PROPAGATING.value(),
          Reason.NO_READY_PODS.value(),
          Reason.NOTHING_APPLIED.value());

  /**
   * Conditions that only summarize the others (Ready, and kstatus' pair): their transitions are
   * already reported by the condition at fault.
   */
  private static final List<ConditionType> SUMMARIES =
      List.of(ConditionType.READY, ConditionType.RECONCILING, ConditionType.STALLED);

  /** Conditions that start False on every new resource: only a later change is news. */
  private static final List<ConditionType> START_FALSE =
      List.of(ConditionType.AVAILABLE, ConditionType.CONFIG_APPLIED);

  /**
   * The transitions from {@code before} to {@code after}, for every condition but the summaries
   * (Ready, Reconciling, Stalled), which only repeat the others. A condition seen for the first
   * time is a transition only when it does not hold or warns: a healthy creation is not news.
   */
  public static List<Transition> between(AuthentikProxyStatus before, AuthentikProxyStatus after) {
    List<Transition> transitions = new ArrayList<>();
    for (ConditionType type : ConditionType.values()) {
      if (SUMMARIES.contains(type)) {
        continue;
      }
      Optional<Condition> next = StatusModel.find(after, type);
      if (next.isEmpty()) {
        continue;
      }
      Condition now = next.get();
      boolean warning =
          ("False".equals(now.getStatus()) && !PROGRESS.contains(now.getReason()))
              || WARNING_WHILE_TRUE.contains(now.getReason());
      Optional<Condition> previous = StatusModel.find(before, type);
      boolean changed =
          previous.isEmpty()
              ? warning && !START_FALSE.contains(type)
              : !Objects.equals(previous.get().getStatus(), now.getStatus())
                  || !Objects.equals(previous.get().getReason(), now.getReason());
      if (changed) {
        transitions.add(
            new Transition(type, now.getStatus(), now.getReason(), now.getMessage(), warning));
      }
    }
    return transitions;
  }
}
