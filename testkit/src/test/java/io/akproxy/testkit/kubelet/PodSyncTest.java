package io.akproxy.testkit.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.testkit.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodSyncTest {

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-31T12:00:00Z"));
  private final List<String> log = new ArrayList<>();

  private final PodSync.Listener recording =
      new PodSync.Listener() {
        @Override
        public void synced(PodSync.Reason reason) {
          log.add(clock.instant() + " " + reason);
        }

        @Override
        public void failed(PodSync.Reason reason, Exception error) {
          log.add(clock.instant() + " " + reason + " failed: " + error.getMessage());
        }
      };

  @Test
  void aSecretWrittenInTheApiReachesTheVolumeOnlyAtTheNextPeriodicSync() throws Exception {
    Map<String, String> secret = new ConcurrentHashMap<>(Map.of("tls.crt", "first"));
    ProjectedVolume volume = new ProjectedVolume(dir, clock);
    PodSync sync = PodSync.start(clock, PodSync.DEFAULT_PERIOD, () -> volume.projectText(secret));
    assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("first");

    secret.put("tls.crt", "rotated");
    clock.advance(Duration.ofSeconds(59));
    assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("first");

    clock.advance(Duration.ofSeconds(1));
    assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("rotated");
    assertThat(sync.syncs()).isEqualTo(2);
  }

  @Test
  void aChangeOfThePodObjectSyncsAtOnceAndRestartsThePeriod() {
    PodSync sync =
        PodSync.start(clock, PodSync.DEFAULT_PERIOD, 0, new Random(), () -> {}, recording);
    clock.advance(Duration.ofSeconds(20));

    sync.podChanged();
    clock.advance(Duration.ofSeconds(59));
    clock.advance(Duration.ofSeconds(1));

    assertThat(log)
        .containsExactly(
            "2026-01-31T12:00:00Z START",
            "2026-01-31T12:00:20Z POD_CHANGED",
            "2026-01-31T12:01:20Z PERIODIC");
  }

  @Test
  void aFailedSyncIsReportedAndRetriedAtTheNextPeriod() {
    int[] attempts = {0};
    PodSync.start(
        clock,
        Duration.ofSeconds(10),
        0,
        new Random(),
        () -> {
          if (attempts[0]++ == 0) {
            throw new IllegalStateException("secret sso-tls not found");
          }
        },
        recording);

    clock.advance(Duration.ofSeconds(10));

    assertThat(log)
        .containsExactly(
            "2026-01-31T12:00:00Z START failed: secret sso-tls not found",
            "2026-01-31T12:00:10Z PERIODIC");
  }

  @Test
  void jitterStretchesThePeriodByUpToTheFactorAsTheKubeletDoes() {
    PodSync.start(clock, Duration.ofSeconds(60), 0.5, new Random(7), () -> {}, recording);

    assertThat(clock.pending()).hasSize(1);
    Duration wait = Duration.between(clock.instant(), clock.pending().get(0));
    assertThat(wait).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(90));
  }

  @Test
  void closingStopsTheSyncs() {
    PodSync sync = PodSync.start(clock, Duration.ofSeconds(10), () -> {});

    sync.close();
    clock.advance(Duration.ofMinutes(5));

    assertThat(sync.syncs()).isEqualTo(1);
    assertThat(clock.pending()).isEmpty();
  }
}
