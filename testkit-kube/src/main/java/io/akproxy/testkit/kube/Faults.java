package io.akproxy.testkit.kube;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Injected failures: the next N requests that match (method, a path fragment, and a client) are
 * answered with a chosen status and a Kubernetes Status body instead of reaching the store. By
 * default only clients other than the test's own are failed, so a test's setup never trips.
 */
public final class Faults {

  private record Rule(
      String method, String pathPart, Predicate<String> agents, int status, AtomicInteger left) {}

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();
  private final String testAgent;

  Faults(String testAgent) {
    this.testAgent = testAgent;
  }

  /** The next {@code count} {@code method} requests whose path contains {@code pathPart} fail. */
  public void failNext(int count, String method, String pathPart, int status) {
    failNext(count, method, pathPart, status, agent -> !agent.equals(testAgent));
  }

  /** The same, for requests from the clients {@code agents} accepts. */
  public void failNext(
      int count, String method, String pathPart, int status, Predicate<String> agents) {
    rules.add(new Rule(method, pathPart, agents, status, new AtomicInteger(count)));
  }

  /** How many requests were failed on purpose so far. */
  public int injected() {
    return injected.get();
  }

  public void clear() {
    rules.clear();
  }

  /** The status to fail this request with, or 0 to let it through. */
  int match(String method, String path, String userAgent) {
    for (Rule rule : rules) {
      if (rule.method().equals(method)
          && path.contains(rule.pathPart())
          && rule.agents().test(userAgent == null ? "" : userAgent)
          && rule.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        injected.incrementAndGet();
        return rule.status();
      }
    }
    return 0;
  }

  static ApiException failure(int status) {
    String reason =
        switch (status) {
          case 409 -> "Conflict";
          case 422 -> "Invalid";
          case 429 -> "TooManyRequests";
          case 500 -> "InternalError";
          case 503 -> "ServiceUnavailable";
          default -> "Injected";
        };
    return new ApiException(status, reason, "injected by the test");
  }
}
