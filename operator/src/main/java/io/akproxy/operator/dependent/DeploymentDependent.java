package io.akproxy.operator.dependent;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.DesiredChildren;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The proxy's Deployment, `<name>-proxy`. Its status feeds the resource's status. */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class DeploymentDependent extends ProxyChild<Deployment> {

  public DeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment select(DesiredChildren children) {
    return children.deployment();
  }

  /**
   * An update replaces the whole spec; without a count of its own (an autoscaler owns it) the
   * model's Deployment keeps the one in the cluster, so a pod-level change never resets it.
   */
  @Override
  public Deployment update(
      Deployment actual,
      Deployment desired,
      AuthentikProxy primary,
      Context<AuthentikProxy> context) {
    if (desired.getSpec().getReplicas() == null && actual.getSpec() != null) {
      desired.getSpec().setReplicas(actual.getSpec().getReplicas());
    }
    return super.update(actual, desired, primary, context);
  }
}
