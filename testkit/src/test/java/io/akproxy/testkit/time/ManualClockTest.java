package io.akproxy.testkit.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<String> ran = new ArrayList<>();

  @Test
  void timeMovesOnlyWhenAdvanced() {
    Instant start = clock.instant();

    clock.advance(Duration.ofSeconds(90));

    assertThat(clock.instant()).isEqualTo(start.plusSeconds(90));
    assertThat(clock.millis()).isEqualTo(start.plusSeconds(90).toEpochMilli());
  }

  @Test
  void tasksRunInDueOrderEachSeeingItsOwnInstant() {
    clock.schedule(Duration.ofSeconds(30), () -> ran.add("b@" + clock.instant()));
    clock.schedule(Duration.ofSeconds(10), () -> ran.add("a@" + clock.instant()));
    clock.schedule(Duration.ofSeconds(61), () -> ran.add("c@" + clock.instant()));

    clock.advance(Duration.ofSeconds(60));

    assertThat(ran).containsExactly("a@2026-01-01T00:00:10Z", "b@2026-01-01T00:00:30Z");
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));
  }

  @Test
  void aTaskScheduledByATaskRunsInTheSameAdvanceWhenItFallsDue() {
    clock.schedule(
        Duration.ofSeconds(10),
        () -> clock.schedule(Duration.ofSeconds(10), () -> ran.add("second@" + clock.instant())));

    clock.advance(Duration.ofSeconds(25));

    assertThat(ran).containsExactly("second@2026-01-01T00:00:20Z");
  }

  @Test
  void aCancelledTaskDoesNotRunAndNoDelayMeansNow() {
    Scheduler.Task task = clock.schedule(Duration.ofSeconds(5), () -> ran.add("cancelled"));
    task.cancel();
    clock.schedule(Duration.ZERO, () -> ran.add("now"));

    clock.advance(Duration.ofSeconds(10));

    assertThat(ran).containsExactly("now");
  }
}
