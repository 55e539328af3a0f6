package io.akproxy.testkit.kube;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * A kubelet's view of one Pod: what it was created with, its address, and the status writes a real
 * kubelet makes (through the Pod's status subresource, so watchers and the Deployment controller
 * see them).
 */
public interface PodHandle {

  String namespace();

  String name();

  /** The Pod object as it is now (annotations included), or as it was last when deleted. */
  Pod pod();

  /** The images of the Pod's containers, in order. */
  List<String> images();

  /**
   * The Pod's IP: a loopback address {@code 127.x.y.z} of its own, so a test can bind real servers
   * to it on fixed ports without clashing with other pods.
   */
  String podIP();

  /** Phase Running, every container started and ready, condition Ready True. */
  void markReady();

  /** Phase Running, containers started but not ready (readiness probe failing). */
  void markRunningNotReady();

  /** Phase Pending, containers waiting with {@code reason} (ImagePullBackOff, ...). */
  void markWaiting(String reason, String message);

  /**
   * Phase Running with the containers terminated (exit {@code exitCode}) and waiting to restart
   * ({@code reason}, e.g. Error); the restart count stays until {@link #markRestarted}.
   */
  void markCrashed(int exitCode, String reason);

  /**
   * The container was started again (after a crash, or because its image changed in place): its
   * restartCount goes up by one, and it is Running but not ready until its probe passes.
   */
  void markRestarted();
}
