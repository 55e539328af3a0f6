package io.akproxy.runtime.load;

import io.akproxy.config.ConfigException;
import io.akproxy.config.ProxyConfig;
import java.util.Map;
import java.util.Optional;

/**
 * The bytes of {@code proxy.json} and of every file it references, read together, with one
 * fingerprint over all of them: equal fingerprints mean nothing changed, so a poll can compare
 * without reloading.
 *
 * @param config the parsed configuration, empty when it does not parse ({@code configError})
 * @param files path to content, for every referenced file that could be read
 * @param unreadable path to reason, for every referenced file that could not be read
 */
public record FileSet(
    String configFile,
    Optional<ProxyConfig> config,
    Optional<ConfigException> configError,
    Optional<String> configUnreadable,
    Map<String, byte[]> files,
    Map<String, String> unreadable,
    String fingerprint) {

  public FileSet {
    files = Map.copyOf(files);
    unreadable = Map.copyOf(unreadable);
  }

  /** Never prints file contents (the key is among them). */
  @Override
  public String toString() {
    return "FileSet[" + configFile + ", " + fingerprint + "]";
  }
}
