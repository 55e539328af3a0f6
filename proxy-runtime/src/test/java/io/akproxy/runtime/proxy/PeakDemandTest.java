package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeakDemandTest {

  @Test
  void remembersTheBusiestMomentUntilTheWindowEnds() throws Exception {
    PeakDemand demand = new PeakDemand(200);
    demand.observe(3);
    demand.observe(64);
    demand.observe(10);
    assertThat(demand.peak(5)).isEqualTo(64);
    // Only a window length of quiet lowers it; this unit has no clock to inject.
    Thread.sleep(250);
    assertThat(demand.peak(5)).isEqualTo(5);
    demand.observe(7);
    assertThat(demand.peak(2)).isEqualTo(7);
  }
}
