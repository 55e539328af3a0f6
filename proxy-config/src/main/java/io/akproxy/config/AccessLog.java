package io.akproxy.config;

/** One JSON line per request on stdout. */
public record AccessLog(boolean enabled) {

  public static AccessLog defaults() {
    return new AccessLog(true);
  }
}
