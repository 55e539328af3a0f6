package io.akproxy.operator.model;

import io.akproxy.operator.api.PodServedStatus;
import io.akproxy.operator.api.PodsStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whether the proxy pods serve what the operator gave them, from each Ready pod's admin {@code
 * /status}: the {@code ConfigApplied} condition and {@code status.pods}. Pure.
 *
 * <p>The desired state is what the operator last wrote into the ConfigMap and the TLS copy ({@code
 * status.configHash}, {@code status.certificate.serial}); a pod that is not Ready serves nobody, so
 * only Ready pods are held to it.
 */
public final class Propagation {

  /** What status reports about the pods. */
  public record Outcome(PodsStatus pods, Verdict configApplied) {}

  private Propagation() {}

  /**
   * @param desiredHash the configuration hash given to the pods, or null before the first apply
   * @param desiredSerial the certificate serial given to the pods, or null before the first apply
   * @param desiredReplicas the pods the Deployment should run
   * @param pods the proxy pods, without those being deleted
   * @param behindSince when the pods fell behind (RFC 3339), for the message
   */
  public static Outcome of(
      String desiredHash,
      String desiredSerial,
      int desiredReplicas,
      List<PodView> pods,
      String behindSince) {
    List<PodView> sorted = pods.stream().sorted(Comparator.comparing(PodView::name)).toList();
    List<PodView> ready = sorted.stream().filter(PodView::ready).toList();
    List<PodView> current =
        desiredHash == null || desiredSerial == null
            ? List.of()
            : ready.stream()
                .filter(
                    p -> p.served().filter(s -> s.serves(desiredHash, desiredSerial)).isPresent())
                .toList();
    PodsStatus summary = new PodsStatus();
    summary.total = sorted.size();
    summary.ready = ready.size();
    summary.current = current.size();
    summary.items = sorted.stream().limit(PodsStatus.MAX_ITEMS).map(Propagation::item).toList();
    return new Outcome(
        summary, verdict(desiredHash, desiredSerial, desiredReplicas, ready, current, behindSince));
  }

  private static Verdict verdict(
      String desiredHash,
      String desiredSerial,
      int desiredReplicas,
      List<PodView> ready,
      List<PodView> current,
      String behindSince) {
    if (desiredHash == null || desiredSerial == null) {
      return Verdict.fails(
          Reason.NOTHING_APPLIED,
          "no configuration has been given to the pods yet: the conditions above must hold first");
    }
    String desired = "config " + abbreviated(desiredHash) + " and certificate " + desiredSerial;
    if (ready.isEmpty()) {
      return desiredReplicas == 0
          ? Verdict.holds(Reason.SCALED_TO_ZERO, "spec.replicas is 0: no pod runs to serve it")
          : Verdict.fails(Reason.NO_READY_PODS, "no proxy pod is Ready to serve " + desired);
    }
    if (current.size() == ready.size()) {
      return Verdict.holds(
          Reason.CONFIG_SERVED, "all " + ready.size() + " Ready proxy pods serve " + desired);
    }
    List<PodView> behind = ready.stream().filter(p -> !current.contains(p)).toList();
    String counts = current.size() + " of " + ready.size() + " Ready proxy pods serve " + desired;
    Optional<PodView> refused =
        behind.stream()
            .filter(p -> p.served().flatMap(ServedState::lastReloadError).isPresent())
            .findFirst();
    if (refused.isPresent()) {
      return Verdict.fails(
          Reason.RELOAD_FAILED,
          counts
              + "; pod "
              + refused.get().name()
              + " refused the new files and keeps serving the last good set: "
              + refused.get().served().flatMap(ServedState::lastReloadError).orElseThrow());
    }
    if (behind.stream().allMatch(p -> p.served().isEmpty() && p.readError().isPresent())) {
      PodView unread = behind.get(0);
      return Verdict.fails(
          Reason.POD_STATUS_UNREADABLE,
          counts
              + "; cannot read the admin /status of pod "
              + unread.name()
              + ": "
              + unread.readError().orElseThrow()
              + " (the operator must reach the pods' admin port; see the NetworkPolicy)");
    }
    List<String> details = new ArrayList<>();
    for (PodView pod : behind) {
      details.add(
          pod.name()
              + pod.served()
                  .map(
                      s ->
                          " serves config "
                              + abbreviated(s.configHash())
                              + " and certificate "
                              + s.certificateSerial())
                  .orElse(" not read yet"));
    }
    return Verdict.fails(
        Reason.PROPAGATING,
        counts + "; behind since " + behindSince + ": " + String.join(", ", details));
  }

  private static PodServedStatus item(PodView pod) {
    PodServedStatus item = new PodServedStatus();
    item.name = pod.name();
    item.ready = pod.ready();
    pod.served()
        .ifPresent(
            s -> {
              item.configHash = s.configHash();
              item.certificateSerial = s.certificateSerial();
              item.lastReloadError = s.lastReloadError().orElse(null);
            });
    item.statusError = pod.readError().orElse(null);
    return item;
  }

  /** {@code sha256:} and the first 12 hex digits: enough to tell configurations apart. */
  static String abbreviated(String hash) {
    int colon = hash.indexOf(':');
    int end = Math.min(hash.length(), colon + 1 + 12);
    return hash.substring(0, end);
  }
}
