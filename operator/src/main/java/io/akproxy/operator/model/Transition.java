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

  /**
   * The transitions from {@code before} to {@code after}, for every condition but Ready (which only
   * repeats the others). A condition seen for the first time is a transition only when it does not
   * hold or warns: a healthy creation is not news.
   */
  public static List<Transition> between(AuthentikProxyStatus before, AuthentikProxyStatus after) {
    List<Transition> transitions = new ArrayList<>();
    for (ConditionType type : ConditionType.values()) {
      if (type == ConditionType.READY) {
        continue;
      }
      Optional<Condition> next = StatusModel.find(after, type);
      if (next.isEmpty()) {
        continue;
      }
      Condition now = next.get();
      boolean warning =
          "False".equals(now.getStatus()) || WARNING_WHILE_TRUE.contains(now.getReason());
      Optional<Condition> previous = StatusModel.find(before, type);
      // A Deployment starts unavailable; only a later loss of availability is news.
      boolean changed =
          previous.isEmpty()
              ? warning && type != ConditionType.AVAILABLE
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
