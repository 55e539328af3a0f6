package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.testkit.time.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeakDemandTest {

  private static final long WINDOW = 200;

  private final ManualClock clock = ManualClock.startingNow();
  private final PeakDemand demand = new PeakDemand(WINDOW, clock);

  @Test
  void remembersTheBusiestMomentOfTheLastFullWindowAndTheCurrentOne() {
    demand.observe(3);
    demand.observe(64);
    demand.observe(10);
    assertThat(demand.peak(5)).isEqualTo(64);

    // The window turns: its peak is still remembered for one more window, whatever the demand of
    // the instant it turned at.
    clock.advance(Duration.ofMillis(WINDOW));
    assertThat(demand.peak(5)).isEqualTo(64);
    demand.observe(7);
    assertThat(demand.peak(2)).isEqualTo(64);

    // A whole window of low demand: only that is remembered.
    clock.advance(Duration.ofMillis(WINDOW));
    assertThat(demand.peak(2)).isEqualTo(7);
  }

  @Test
  void forgetsEverythingAfterAWindowWithoutTraffic() {
    demand.observe(64);
    clock.advance(Duration.ofMillis(3 * WINDOW));
    assertThat(demand.peak(1)).isEqualTo(1);
  }

  @Test
  void countsTheDemandItIsAskedAbout() {
    assertThat(demand.peak(9)).isEqualTo(9);
  }
}
