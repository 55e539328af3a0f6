package io.akproxy.runtime.reload;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of loading the mounted files, for {@code /status}, {@code /metrics} and the readiness
 * probe. Immutable; every reload attempt publishes a new one.
 *
 * @param lastReloadTime when the last load (the initial one included) finished
 * @param lastReloadOk whether it was applied
 * @param lastReloadError the reason it failed, naming the file; {@code null} when it was applied
 * @param applied reloads applied since startup (the initial load not counted)
 * @param failed reloads rejected since startup
 * @param restartRequiredBy the changed settings that only a restart can apply (listener ports,
 *     ...); empty when everything loaded is in force
 */
public record ReloadStatus(
    Instant lastReloadTime,
    boolean lastReloadOk,
    String lastReloadError,
    long applied,
    long failed,
    List<String> restartRequiredBy) {

  public ReloadStatus {
    restartRequiredBy = List.copyOf(restartRequiredBy);
  }

  public static ReloadStatus initial(Instant loadedAt) {
    return new ReloadStatus(loadedAt, true, null, 0, 0, List.of());
  }

  public boolean restartRequired() {
    return !restartRequiredBy.isEmpty();
  }

  public ReloadStatus applied(Instant at, List<String> restartRequiredBy) {
    return new ReloadStatus(at, true, null, applied + 1, failed, restartRequiredBy);
  }

  public ReloadStatus failed(Instant at, String error) {
    return new ReloadStatus(at, false, error, applied, failed + 1, restartRequiredBy);
  }
}
