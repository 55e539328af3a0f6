package io.akproxy.config;

/**
 * How the runtime notices changes to its mounted files.
 *
 * @param pollIntervalSeconds content-hash poll, the fallback for missed file-watch events
 * @param debounceMillis changes closer together than this are applied as one reload
 */
public record Reload(int pollIntervalSeconds, int debounceMillis) {

  public static Reload defaults() {
    return new Reload(5, 250);
  }
}
