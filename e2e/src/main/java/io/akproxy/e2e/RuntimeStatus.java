package io.akproxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.akproxy.testkit.runtime.RuntimeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a runtime reports on its admin {@code /status} (docs/runtime.md, "Admin listener"): the
 * configuration and certificate it serves and how its last reload went.
 *
 * @param lastReloadResult {@code ok} or {@code failed}
 * @param lastReloadError the runtime's own message for a failed reload, or null
 */
public record RuntimeStatus(
    String configHash,
    String certificateSerial,
    String lastReloadResult,
    String lastReloadError,
    long reloadsApplied,
    long reloadsFailed,
    boolean restartRequired) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads {@code /status} from {@code runtime} now. */
  public static RuntimeStatus of(RuntimeProcess runtime) {
    try {
      return parse(runtime.admin("/status").body());
    } catch (IOException e) {
      throw new UncheckedIOException("reading the runtime's /status", e);
    }
  }

  static RuntimeStatus parse(String json) {
    try {
      JsonNode status = JSON.readTree(json);
      JsonNode lastReload = status.path("lastReload");
      return new RuntimeStatus(
          status.path("configHash").asText(null),
          status.path("certificate").path("serial").asText(null),
          lastReload.path("result").asText(null),
          lastReload.path("error").isNull() ? null : lastReload.path("error").asText(null),
          status.path("reloads").path("applied").asLong(),
          status.path("reloads").path("failed").asLong(),
          status.path("restartRequired").asBoolean());
    } catch (IOException e) {
      throw new UncheckedIOException("/status is not JSON: " + json, e);
    }
  }

  public boolean lastReloadFailed() {
    return "failed".equals(lastReloadResult);
  }
}
