package io.akproxy.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used, with every error found in it, not just the first. */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigError> errors;

  public ConfigException(List<ConfigError> errors) {
    super(describe(errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  public List<ConfigError> errors() {
    return errors;
  }

  private static String describe(List<ConfigError> errors) {
    String noun = errors.size() == 1 ? "error" : "errors";
    return errors.size()
        + " configuration "
        + noun
        + ":\n"
        + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n"));
  }
}
