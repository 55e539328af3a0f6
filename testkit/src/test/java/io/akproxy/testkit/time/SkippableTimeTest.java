package io.akproxy.testkit.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SkippableTimeTest {

  private final SkippableTime time = new SkippableTime("skippable-test");
  private final List<String> ran = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    time.close();
  }

  @Test
  void aSkipRunsWhatFellDueOnTheWayBeforeItReturns() {
    Instant before = time.instant();
    time.schedule(
        Duration.ofMinutes(10),
        () -> {
          ran.add("deadline");
          time.schedule(Duration.ZERO, () -> ran.add("scheduled by it for now"));
        });
    time.schedule(Duration.ofHours(1), () -> ran.add("after the skip"));

    time.skip(Duration.ofMinutes(12));

    assertThat(ran).containsExactly("deadline", "scheduled by it for now");
    assertThat(Duration.between(before, time.instant()))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(12));
  }

  @Test
  void timeAlsoPassesOnItsOwn() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);

    time.schedule(Duration.ofMillis(20), done::countDown);

    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aCancelledTaskNeverRuns() {
    time.schedule(Duration.ofMinutes(5), () -> ran.add("cancelled")).cancel();
    time.schedule(Duration.ofMinutes(6), () -> ran.add("kept"));

    time.skip(Duration.ofMinutes(7));

    assertThat(ran).containsExactly("kept");
  }
}
