package io.akproxy.operator.dependent;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.ChildrenModel;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** Reconcile the PodDisruptionBudget only with more than one replica; otherwise delete it. */
public class DisruptionBudgetWanted implements Condition<PodDisruptionBudget, AuthentikProxy> {

  @Override
  public boolean isMet(
      DependentResource<PodDisruptionBudget, AuthentikProxy> dependentResource,
      AuthentikProxy primary,
      Context<AuthentikProxy> context) {
    return ChildrenModel.needsDisruptionBudget(primary);
  }
}
