package io.akproxy.operator.reconciler;

import io.akproxy.operator.dependent.ForeignObjectException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a failed reconcile is an apply the API server refused for good (a 4xx: an invalid object,
 * an admission webhook's or a quota's denial, a missing permission, a name taken by an object the
 * operator does not own), and the API server's own words for it. Conflicts of optimistic locking
 * (409 Conflict), an object deleted under the write (404, 410), throttling (429) and server errors
 * are not refusals: a retry fixes them.
 */
final class ApplyRefusal {

  private static final int TOO_MANY_REQUESTS = 429;

  private ApplyRefusal() {}

  /** The refusal's message, or empty when the failure is one that a retry may fix. */
  static Optional<String> of(Throwable failure) {
    List<String> messages = new ArrayList<>();
    collect(failure, messages, new HashSet<>());
    return messages.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", messages));
  }

  private static void collect(Throwable failure, List<String> messages, Set<Throwable> seen) {
    if (failure == null || !seen.add(failure)) {
      return;
    }
    if (failure instanceof AggregatedOperatorException aggregated) {
      aggregated.getAggregatedExceptions().values().forEach(e -> collect(e, messages, seen));
      return;
    }
    if (failure instanceof ForeignObjectException foreign) {
      messages.add(foreign.getMessage());
      return;
    }
    if (failure instanceof KubernetesClientException client && refused(client)) {
      messages.add(message(client));
      return;
    }
    collect(failure.getCause(), messages, seen);
  }

  private static boolean refused(KubernetesClientException e) {
    int code = e.getCode();
    if (code < 400 || code >= 500 || code == TOO_MANY_REQUESTS) {
      return false;
    }
    // 404/410: the object went away between the read and the write (a deletion racing the
    // reconcile, the resource itself being deleted); the next reconcile sees it gone.
    if (code == HttpURLConnection.HTTP_NOT_FOUND || code == HttpURLConnection.HTTP_GONE) {
      return false;
    }
    // 409 is a lost race (retry) unless the name is taken by an object this operator cannot see.
    return code != HttpURLConnection.HTTP_CONFLICT || alreadyExists(e);
  }

  private static boolean alreadyExists(KubernetesClientException e) {
    return e.getCode() == HttpURLConnection.HTTP_CONFLICT
        && e.getStatus() != null
        && "AlreadyExists".equals(e.getStatus().getReason());
  }

  /** The API server's message, with what was written and the HTTP status. */
  private static String message(KubernetesClientException e) {
    String server =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    String object =
        e.getFullResourceName() == null
            ? ""
            : " of " + e.getFullResourceName() + (e.getName() == null ? "" : " " + e.getName());
    String hint =
        alreadyExists(e)
            ? " (an object of that name that this resource does not control: the operator leaves"
                + " it alone; delete or rename it)"
            : "";
    return "the API server refused the write"
        + object
        + " (HTTP "
        + e.getCode()
        + "): "
        + server
        + hint;
  }
}
