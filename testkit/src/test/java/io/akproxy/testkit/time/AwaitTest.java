package io.akproxy.testkit.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void untilStableReturnsTheValueOnceItStopsChanging() {
    AtomicInteger counter = new AtomicInteger();

    int stable =
        Await.untilStable(
            "counter",
            Duration.ofMillis(200),
            Duration.ofSeconds(30),
            () -> Math.min(counter.incrementAndGet(), 20));

    assertThat(stable).isEqualTo(20);
  }

  @Test
  void untilStableFailsWithTheLastValueWhenTheValueNeverSettles() {
    AtomicInteger counter = new AtomicInteger();

    assertThatThrownBy(
            () ->
                Await.untilStable(
                    "a counter that never stops",
                    Duration.ofMillis(200),
                    Duration.ofMillis(600),
                    counter::incrementAndGet))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a counter that never stops: not stable for 200 ms")
        .hasMessageContaining("last value");
  }

  @Test
  void untilStableWaitsForTheValueToBeAcceptedToo() {
    AtomicInteger reads = new AtomicInteger();

    int value =
        Await.untilStable(
            "accepted",
            Duration.ofMillis(100),
            Duration.ofSeconds(30),
            () -> reads.incrementAndGet() > 10 ? 1 : 0,
            v -> v == 1);

    assertThat(value).isEqualTo(1);
    assertThat(reads.get()).isGreaterThan(10);
  }

  @Test
  void untilFailsNamingTheConditionAndItsLastError() {
    assertThatThrownBy(
            () ->
                Await.until(
                    "the runtime is ready",
                    Duration.ofMillis(100),
                    () -> {
                      throw new IllegalStateException("connection refused");
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the runtime is ready: not within 100 ms")
        .hasRootCauseMessage("connection refused");
  }
}
