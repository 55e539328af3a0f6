package io.akproxy.operator.dependent;

import io.akproxy.operator.model.DesiredChildren;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The operator's copy of the validated certificate and key, `<name>-proxy-tls`, which the pods
 * mount. Like every child it is written only when every input passed its checks, so it keeps the
 * last good set while the user's Secret is missing or broken.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class TlsSecretDependent extends ProxyChild<Secret> {

  public TlsSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret select(DesiredChildren children) {
    return children.tlsSecret();
  }

  @Override
  protected ResourceID targetSecondaryResourceID(
      io.akproxy.operator.api.AuthentikProxy primary,
      Context<io.akproxy.operator.api.AuthentikProxy> context) {
    return new ResourceID(Names.tlsCopy(primary), primary.getMetadata().getNamespace());
  }
}
