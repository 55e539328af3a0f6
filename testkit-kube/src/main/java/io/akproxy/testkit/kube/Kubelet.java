package io.akproxy.testkit.kube;

/**
 * What runs a Pod on the simulated node. The Deployment controller creates Pod objects; the kubelet
 * decides what becomes of them and reports it through the {@link PodHandle}: running and ready at
 * once ({@link #instant()}), held unready like an image that never pulls ({@link
 * #imageNeverPulls}), or backed by a real process (the e2e module's kubelet).
 *
 * <p>Calls arrive on the controller's thread, one at a time; an implementation that starts slow
 * work should hand it to its own thread and report through the handle when done.
 */
public interface Kubelet {

  /** A Pod was bound to the node: start it. */
  void podCreated(PodHandle pod);

  /** The Pod object changed (an annotation, say): the real kubelet re-syncs the pod then. */
  default void podUpdated(PodHandle pod) {}

  /** The Pod was deleted: stop it. */
  default void podDeleted(PodHandle pod) {}

  /**
   * The log of the pod's container so far ({@code kubectl logs}), empty while no container has
   * started. Called on the API server's threads.
   */
  default java.util.Optional<String> log(String namespace, String name) {
    return java.util.Optional.empty();
  }

  /** The default: every Pod runs and is Ready as soon as it is created. */
  static Kubelet instant() {
    return pod -> pod.markReady();
  }

  /**
   * Pods whose image {@code image} matches never start: they stay Pending, their container waiting
   * in {@code ImagePullBackOff}, as with a tag that does not exist. Others are Ready at once.
   */
  static Kubelet imageNeverPulls(java.util.function.Predicate<String> image) {
    return pod -> {
      if (pod.images().stream().anyMatch(image)) {
        pod.markWaiting(
            "ImagePullBackOff", "Back-off pulling image \"" + pod.images().get(0) + "\"");
      } else {
        pod.markReady();
      }
    };
  }
}
