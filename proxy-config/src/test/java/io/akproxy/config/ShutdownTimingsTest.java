package io.akproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShutdownTimingsTest {

  @Test
  void aProcessMayTakeTheDelayTheDrainAndFiveSecondsToExit() {
    assertThat(Shutdown.defaults().terminationSeconds()).isEqualTo(10 + 25 + 5);
    assertThat(new Shutdown(0, 0).terminationSeconds()).isEqualTo(5);
  }

  @Test
  void theLargestTimingsDoNotOverflow() {
    assertThat(new Shutdown(Integer.MAX_VALUE, Integer.MAX_VALUE).terminationSeconds())
        .isEqualTo(2L * Integer.MAX_VALUE + 5);
  }
}
