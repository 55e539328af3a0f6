package io.akproxy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.api.AuthentikProxyStatus;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.StatusModel;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Optional;

/** The conditions a user reads in status ({@code kubectl get akp -o yaml}), as tests check them. */
public final class Conditions {

  private Conditions() {}

  /** The condition of {@code type}, failing (so an await retries) while there is none. */
  public static Condition condition(AuthentikProxyStatus status, ConditionType type) {
    Optional<Condition> condition = StatusModel.find(status, type);
    assertThat(condition).as("condition %s in %s", type.value(), status).isPresent();
    return condition.get();
  }

  /**
   * The condition of {@code type}, asserting its status and reason; its message is the caller's.
   */
  public static Condition assertCondition(
      AuthentikProxyStatus status, ConditionType type, String expectedStatus, String reason) {
    Condition condition = condition(status, type);
    assertThat(condition.getStatus() + " " + condition.getReason())
        .as("%s (%s)", type.value(), condition.getMessage())
        .isEqualTo(expectedStatus + " " + reason);
    return condition;
  }
}
