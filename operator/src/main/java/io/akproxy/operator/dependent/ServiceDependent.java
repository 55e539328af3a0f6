package io.akproxy.operator.dependent;

import io.akproxy.operator.model.DesiredChildren;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The proxy's Service, `<name>-proxy`. */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class ServiceDependent extends ProxyChild<Service> {

  public ServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service select(DesiredChildren children) {
    return children.service();
  }
}
