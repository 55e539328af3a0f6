package io.akproxy.testkit.kube;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Every request the server received, by User-Agent, so a test counts exactly one client's requests
 * (the operator's writes, say). Reading "what did it write" is only meaningful once that client has
 * gone quiet: {@link #writesWhenQuiet} waits until it sent nothing for a whole quiet period, so a
 * write from the reconcile after the one a test waited for cannot land after the check.
 */
public final class RequestLog {

  private final List<RecordedRequest> requests = new ArrayList<>();
  private long sequence;
  private int drained;

  synchronized void record(String method, String path, String query, String userAgent) {
    requests.add(
        new RecordedRequest(
            sequence++,
            method,
            path,
            query == null ? "" : query,
            userAgent == null ? "" : userAgent,
            System.nanoTime()));
    notifyAll();
  }

  /** Every request so far. */
  public synchronized List<RecordedRequest> all() {
    return List.copyOf(requests);
  }

  /** The requests of one User-Agent so far. */
  public synchronized List<RecordedRequest> by(String userAgent) {
    return requests.stream().filter(r -> r.userAgent().equals(userAgent)).toList();
  }

  /** The write requests (POST, PUT, PATCH, DELETE) of one User-Agent so far. */
  public List<RecordedRequest> writesBy(String userAgent) {
    return by(userAgent).stream().filter(RecordedRequest::isWrite).toList();
  }

  /** Forgets nothing, but makes the next {@link #writesWhenQuiet} start from here. */
  public synchronized void mark() {
    drained = requests.size();
  }

  /**
   * Waits until {@code userAgent} has sent no request for {@code quiet}, then returns its writes
   * since the last call (or {@link #mark()}) and starts the next window there.
   *
   * @throws IllegalStateException if the client never goes quiet within {@code timeout} (a hot
   *     loop)
   */
  public List<RecordedRequest> writesWhenQuiet(String userAgent, Duration quiet, Duration timeout) {
    return whenQuiet(userAgent, quiet, timeout, RecordedRequest::isWrite);
  }

  /** Like {@link #writesWhenQuiet}, for every request of that client (reads too). */
  public List<RecordedRequest> requestsWhenQuiet(
      String userAgent, Duration quiet, Duration timeout) {
    return whenQuiet(userAgent, quiet, timeout, r -> true);
  }

  private synchronized List<RecordedRequest> whenQuiet(
      String userAgent, Duration quiet, Duration timeout, Predicate<RecordedRequest> filter) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long last = lastArrival(userAgent);
        long silentFor = System.nanoTime() - last;
        if (silentFor >= quiet.toNanos()) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              new TimeoutException(
                  userAgent + " never went quiet for " + quiet + " within " + timeout));
        }
        long waitNanos = Math.max(1, quiet.toNanos() - silentFor);
        wait(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    List<RecordedRequest> window = new ArrayList<>();
    for (RecordedRequest request : requests.subList(drained, requests.size())) {
      if (request.userAgent().equals(userAgent) && filter.test(request)) {
        window.add(request);
      }
    }
    drained = requests.size();
    return window;
  }

  private long lastArrival(String userAgent) {
    for (int i = requests.size() - 1; i >= 0; i--) {
      RecordedRequest request = requests.get(i);
      // A watch is one long request: its start is activity, its duration is not.
      if (request.userAgent().equals(userAgent)) {
        return request.arrivedNanos();
      }
    }
    return Long.MIN_VALUE / 2;
  }
}
