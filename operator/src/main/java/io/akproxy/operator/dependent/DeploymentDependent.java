package io.akproxy.operator.dependent;

import io.akproxy.operator.model.DesiredChildren;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The proxy's Deployment, `<name>-proxy`. Its status feeds the resource's status; with an
 * autoscaler, an update keeps the count it chose ({@link ChildUpdate}).
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class DeploymentDependent extends ProxyChild<Deployment> {

  public DeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment select(DesiredChildren children) {
    return children.deployment();
  }
}
