package io.akproxy.runtime.reload;

import java.util.List;

/**
 * What an applied reload changed, for its log line: paths and public facts, never values.
 *
 * @param changedSettings JSON paths of the configuration that changed
 * @param previousSerial the certificate serial served before, {@code null} when unchanged
 * @param restartRequiredBy changed settings a restart is still needed for
 */
public record ReloadReport(
    String configHash,
    List<String> changedSettings,
    String previousSerial,
    String serial,
    List<String> restartRequiredBy) {

  public ReloadReport {
    changedSettings = List.copyOf(changedSettings);
    restartRequiredBy = List.copyOf(restartRequiredBy);
  }

  /** One log line: the new hash, what changed and what still needs a restart. */
  public String describe() {
    StringBuilder text = new StringBuilder("reload applied: config ").append(configHash);
    text.append("; changed: ");
    if (changedSettings.isEmpty() && previousSerial == null) {
      text.append("nothing in proxy.json (file contents only)");
    } else {
      text.append(changedSettings.isEmpty() ? "-" : String.join(", ", changedSettings));
    }
    if (previousSerial != null) {
      text.append("; certificate serial ").append(previousSerial).append(" -> ").append(serial);
    }
    if (!restartRequiredBy.isEmpty()) {
      text.append("; restart required to apply: ").append(String.join(", ", restartRequiredBy));
    }
    return text.toString();
  }
}
