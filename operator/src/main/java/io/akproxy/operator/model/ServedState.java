package io.akproxy.operator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * What one proxy pod says it serves, from the runtime's admin {@code /status} (docs/runtime.md):
 * the configuration hash and certificate serial it loaded, and how its last reload went.
 *
 * @param lastReloadError the runtime's own words when its last reload was refused (the last good
 *     set keeps serving); empty when it was applied
 */
public record ServedState(
    String configHash,
    String certificateSerial,
    Optional<String> lastReloadError,
    boolean restartRequired) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Parses a {@code /status} body.
   *
   * @throws IllegalArgumentException naming what is missing when the body is not a runtime's status
   */
  public static ServedState parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("/status is not JSON: " + e.getMessage());
    }
    String hash = text(root.path("configHash"), "configHash");
    String serial = text(root.path("certificate").path("serial"), "certificate.serial");
    JsonNode reload = root.path("lastReload");
    boolean failed = "failed".equals(reload.path("result").asText());
    Optional<String> error =
        failed
            ? Optional.of(
                reload.path("error").isTextual()
                    ? reload.path("error").asText()
                    : "the last reload failed")
            : Optional.empty();
    return new ServedState(hash, serial, error, root.path("restartRequired").asBoolean(false));
  }

  private static String text(JsonNode node, String field) {
    if (!node.isTextual() || node.asText().isEmpty()) {
      throw new IllegalArgumentException("/status has no " + field);
    }
    return node.asText();
  }

  /** Whether this pod serves exactly {@code configHash} and the certificate {@code serial}. */
  public boolean serves(String configHash, String serial) {
    return this.configHash.equals(configHash) && certificateSerial.equals(serial);
  }
}
