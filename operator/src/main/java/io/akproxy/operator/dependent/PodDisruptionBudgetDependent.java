package io.akproxy.operator.dependent;

import io.akproxy.operator.model.DesiredChildren;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The proxy's PodDisruptionBudget, present only when the model built one ({@link
 * DisruptionBudgetWanted} removes it otherwise, reading the same answer).
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class PodDisruptionBudgetDependent extends ProxyChild<PodDisruptionBudget> {

  public PodDisruptionBudgetDependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget select(DesiredChildren children) {
    return children
        .podDisruptionBudget()
        .orElseThrow(
            () ->
                new IllegalStateException("reconciled without a PodDisruptionBudget in the model"));
  }
}
