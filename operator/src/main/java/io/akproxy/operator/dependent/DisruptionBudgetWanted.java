package io.akproxy.operator.dependent;

import io.akproxy.operator.api.AuthentikProxy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Reconcile the PodDisruptionBudget when the model built one; otherwise delete it. The model alone
 * decides (see {@code ChildrenModel.podDisruptionBudget}): this only reads its answer.
 */
public class DisruptionBudgetWanted implements Condition<PodDisruptionBudget, AuthentikProxy> {

  @Override
  public boolean isMet(
      DependentResource<PodDisruptionBudget, AuthentikProxy> dependentResource,
      AuthentikProxy primary,
      Context<AuthentikProxy> context) {
    return ReconcileChildren.get(context).podDisruptionBudget().isPresent();
  }
}
