package io.akproxy.runtime.log;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 UTC timestamps with milliseconds ({@code 2026-01-02T03:04:05.678Z}), as the access log
 * writes one per request: the date and time of day are formatted once per second and reused.
 */
final class Timestamps {

  private static final DateTimeFormatter SECOND =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  /** The last second formatted; immutable, so it can be shared between threads. */
  private record Second(long epochSecond, String text) {}

  private static volatile Second last = new Second(Long.MIN_VALUE, "");

  private Timestamps() {}

  static void append(StringBuilder out, Instant time) {
    long epochSecond = time.getEpochSecond();
    Second second = last;
    if (second.epochSecond() != epochSecond) {
      second = new Second(epochSecond, SECOND.format(time));
      last = second;
    }
    int millis = time.getNano() / 1_000_000;
    out.append(second.text()).append('.');
    if (millis < 100) {
      out.append('0');
    }
    if (millis < 10) {
      out.append('0');
    }
    out.append(millis).append('Z');
  }
}
