package io.akproxy.e2e;

import io.akproxy.testkit.time.Await;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link WholeLoop} step tells what happened: narrative lines, and checks that either
 * happened (✔) or did not (✘). The demo prints it for a person; {@code WholeLoopIT} fails a step
 * whose checks did not all happen. Same steps, same checks: the story is told once.
 */
public final class Story {

  private final PrintStream out;
  private final List<String> failures = new ArrayList<>();

  public Story(PrintStream out) {
    this.out = out;
  }

  public void title(String text) {
    out.println("\n" + text + "\n" + "-".repeat(Math.min(text.length(), 100)));
  }

  public void say(String text) {
    out.println(text);
  }

  /** A check: ✔ when it happened, ✘ (and a failure) when it did not. */
  public boolean check(String what, boolean happened) {
    if (happened) {
      out.println("✔ " + what);
    } else {
      failures.add(what);
      out.println("✘ " + what);
    }
    return happened;
  }

  /** A check with what was seen instead, printed only when it did not happen. */
  public boolean check(String what, boolean happened, Object seen) {
    return check(happened ? what : what + " (saw: " + seen + ")", happened);
  }

  /**
   * Waits (polling: the runtime is another process, the API server another thread) until {@code
   * condition} holds, then checks it; ✘ after {@code timeout}. A condition that throws is "not
   * yet".
   */
  public boolean await(String what, Duration timeout, Await.Condition condition) {
    Instant start = Instant.now();
    Instant deadline = start.plus(timeout);
    while (true) {
      try {
        if (condition.holds()) {
          long seconds = Duration.between(start, Instant.now()).toSeconds();
          return check(what + (seconds >= 2 ? " (" + seconds + " s)" : ""), true);
        }
      } catch (Exception e) {
        // not yet
      }
      if (Instant.now().isAfter(deadline)) {
        return check(what + " (not within " + timeout.toSeconds() + " s)", false);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return check(what + " (interrupted)", false);
      }
    }
  }

  /** The checks that did not happen, in order. */
  public List<String> failures() {
    return List.copyOf(failures);
  }
}
