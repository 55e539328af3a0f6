package io.akproxy.operator.dependent;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.DesiredChildren;
import io.akproxy.operator.model.Names;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * One child of an AuthentikProxy. Its desired state is the model's, computed once per reconcile by
 * the reconciler (see {@link ReconcileChildren}); owner references make Kubernetes delete it with
 * the resource. Matching tolerates the API server's defaults (see {@link ChildDrift}).
 */
public abstract class ProxyChild<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, AuthentikProxy> {

  protected ProxyChild(Class<R> type) {
    super(type);
  }

  /** This child, out of everything the model built. */
  protected abstract R select(DesiredChildren children);

  @Override
  protected R desired(AuthentikProxy primary, Context<AuthentikProxy> context) {
    R desired = select(ReconcileChildren.get(context));
    // The framework adds owner references and annotations to what it is given: hand it a copy.
    return context.getClient().getKubernetesSerialization().clone(desired);
  }

  @Override
  protected ResourceID targetSecondaryResourceID(
      AuthentikProxy primary, Context<AuthentikProxy> context) {
    return new ResourceID(Names.child(primary), primary.getMetadata().getNamespace());
  }

  /**
   * Writes the model's object whole, keeping what others own on the child ({@link ChildUpdate}).
   * JOSDK's own update merges labels and annotations into the cluster's, so a removed key would
   * never leave.
   */
  @Override
  public R update(R actual, R desired, AuthentikProxy primary, Context<AuthentikProxy> context) {
    if (!controlledBy(actual, primary)) {
      // Never overwrite an object of the same name that someone else made (or another resource).
      throw new ForeignObjectException(
          actual.getKind()
              + " "
              + actual.getMetadata().getName()
              + " exists and is not controlled by AuthentikProxy "
              + primary.getMetadata().getName()
              + "; the operator leaves it alone");
    }
    addMetadata(false, actual, desired, primary, context);
    return prepare(context, ChildUpdate.over(actual, desired), primary, "Updating").update();
  }

  static boolean controlledBy(HasMetadata child, AuthentikProxy primary) {
    return child.getMetadata().getOwnerReferences().stream()
        .anyMatch(
            owner ->
                Boolean.TRUE.equals(owner.getController())
                    && primary.getMetadata().getUid().equals(owner.getUid()));
  }

  @Override
  public Result<R> match(R actual, AuthentikProxy primary, Context<AuthentikProxy> context) {
    R desired = desired(primary, context);
    addMetadata(true, actual, desired, primary, context);
    boolean matches =
        ChildDrift.matches(context.getClient().getKubernetesSerialization(), desired, actual);
    return Result.computed(matches, desired);
  }
}
