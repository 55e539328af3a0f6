package io.akproxy.runtime.reload;

import io.akproxy.config.ConfigDiff;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.RestartOnlySettings;
import java.util.List;

/**
 * Which settings a new configuration changes, by JSON path, and which of those only a restart can
 * apply. Paths only, never values: the log says what changed, not to what. The list of settings
 * that need a restart is the contract's ({@link RestartOnlySettings}), the same one the operator
 * uses to decide when to roll the pods.
 */
public final class ConfigChanges {

  private ConfigChanges() {}

  /** Every leaf path whose value differs, e.g. {@code upstream.url}, {@code serverNames}. */
  public static List<String> between(ProxyConfig before, ProxyConfig after) {
    return ConfigDiff.between(before, after);
  }

  /**
   * The changes between the configuration the listeners were opened with and a new one that a
   * reload cannot apply.
   */
  public static List<String> restartRequired(ProxyConfig listening, ProxyConfig after) {
    return after.restartOnly().changedFrom(listening.restartOnly());
  }
}
