package io.akproxy.operator.dependent;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.DesiredChildren;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * Hands the model's output from the reconciler to the dependents for one reconcile, typed, so the
 * model runs once and the dependents never compute anything themselves.
 */
public final class ReconcileChildren {

  private static final Object KEY = DesiredChildren.class;

  private ReconcileChildren() {}

  public static void put(Context<AuthentikProxy> context, DesiredChildren children) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, children);
  }

  static DesiredChildren get(Context<AuthentikProxy> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, DesiredChildren.class);
  }
}
