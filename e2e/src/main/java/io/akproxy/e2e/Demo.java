package io.akproxy.e2e;

import io.akproxy.testkit.runtime.RuntimeProcess;
import io.akproxy.testkit.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code make demo}: the whole loop on one machine, told as {@link WholeLoop}'s story (the one
 * {@code WholeLoopIT} asserts). Everything keeps running at the end for a person to try, until
 * Ctrl-C. With {@code --check} ({@code make demo-check}) it also runs the last step (deletion) and
 * exits: 0 if every check happened.
 */
public final class Demo {

  private Demo() {}

  public static void main(String[] args) throws Exception {
    boolean check = List.of(args).contains("--check");
    Path work = Files.createTempDirectory("akproxy-demo-");
    System.out.println(
        "akproxy demo: the whole loop, no cluster needed (work directory " + work + ")");
    System.out.println("=".repeat(100));
    WholeLoop loop = WholeLoop.start(work, RuntimeProcess.jar());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println(
                      "\nStopping: each runtime gets SIGTERM and drains for its shutdown delay...");
                  loop.close();
                  stopped.countDown();
                }));
    Story story = new Story(System.out);
    story.say(
        "✔ API server at "
            + loop.cluster().url()
            + " (simulated: a Deployment controller, garbage collection, kubectl discovery and"
            + " tables) with the AuthentikProxy CRD; the operator watches namespace "
            + WholeLoop.NAMESPACE);
    story.say(
        "✔ authentik's stand-in (echoes what it receives; WebSocket echo under /ws/) at "
            + loop.cluster().authentik().url()
            + ", behind Service authentik-server (ports https 9443, http 9000)");
    story.say(
        "✔ kubectl works against it: export KUBECONFIG="
            + loop.kubeconfig()
            + loop.kubectl()
                .map(k -> "  (your kubectl " + k.version() + " draws the views below)")
                .orElse("  (kubectl is not installed: the views below are the demo's rendering)"));
    boolean complete = run(loop, story, check);
    if (story.failures().isEmpty() && complete) {
      System.out.println("\n✔ every step happened");
    } else {
      System.out.println(
          "\n✘ " + story.failures().size() + " check(s) did not happen: " + story.failures());
    }
    if (check || !story.failures().isEmpty()) {
      System.exit(story.failures().isEmpty() ? 0 : 1);
    }
    System.out.println("\nEverything keeps running. Press Ctrl-C to stop it all.");
    stopped.await();
  }

  /**
   * From now on the node's periodic syncs come in real time (every 60 s), as a real kubelet's: the
   * story moved that clock by hand only to show "the next periodic sync" without waiting for it.
   */
  private static void followRealTime(ManualClock clock) {
    Thread ticker =
        new Thread(
            () -> {
              while (true) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
                clock.advance(Duration.ofSeconds(1));
              }
            },
            "kubelet-clock");
    ticker.setDaemon(true);
    ticker.start();
  }

  /** Tells the story; stops at the first step that did not fully happen. */
  private static boolean run(WholeLoop loop, Story story, boolean check) throws Exception {
    for (WholeLoop.Step step : loop.steps()) {
      if (step.endsTheDemo()) {
        story.title("Try it yourself");
        loop.tryItYourself().forEach(line -> story.say("  " + line));
        if (!check) {
          followRealTime(loop.kubeletClock());
          return true;
        }
      }
      story.title(step.title());
      int before = story.failures().size();
      try {
        step.action().run(story);
      } catch (Exception | AssertionError e) {
        story.check(step.title() + ": " + e, false);
      }
      if (story.failures().size() > before) {
        return false;
      }
    }
    return true;
  }
}
