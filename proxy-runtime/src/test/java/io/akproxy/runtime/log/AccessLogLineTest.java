package io.akproxy.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessLogLineTest {

  @Test
  void isOneLineOfJsonEvenWithHostileInput() {
    String json =
        new AccessLogLine(
                Instant.parse("2026-01-02T03:04:05Z"),
                "https",
                "203.0.113.9",
                "GET",
                "sso.example.com",
                "/if/\"flow\"\n/\u0001",
                "HTTP/2",
                200,
                1234,
                1.23456,
                0.5,
                "agent\r\n{\"forged\":true}")
            .toJson();
    assertThat(json).doesNotContain("\n").doesNotContain("\r");
    JsonObject parsed = new JsonObject(json);
    assertThat(parsed.getString("time")).isEqualTo("2026-01-02T03:04:05.000Z");
    assertThat(parsed.getString("path")).isEqualTo("/if/\"flow\"\n/\u0001");
    assertThat(parsed.getString("userAgent")).isEqualTo("agent\r\n{\"forged\":true}");
    assertThat(parsed.getInteger("status")).isEqualTo(200);
    assertThat(parsed.getDouble("durationMs")).isEqualTo(1.235);
    assertThat(parsed.getDouble("upstreamMs")).isEqualTo(0.5);
  }

  @Test
  void writesUtcTimestampsWithMilliseconds() {
    for (String time :
        new String[] {
          "2026-01-02T03:04:05.000Z",
          "2026-01-02T03:04:05.007Z",
          "2026-01-02T03:04:05.070Z",
          "2026-01-02T03:04:05.700Z",
          "2026-12-31T23:59:59.999Z"
        }) {
      String json =
          new AccessLogLine(
                  Instant.parse(time), "https", "p", "GET", "h", "/", "HTTP/2", 200, 0, 1, -1, null)
              .toJson();
      assertThat(new JsonObject(json).getString("time")).isEqualTo(time);
      assertThat(new JsonObject(json).containsKey("upstreamMs")).isFalse();
    }
  }
}
