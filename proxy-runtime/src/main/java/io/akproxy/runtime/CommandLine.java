package io.akproxy.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar proxy-runtime.jar --config <proxy.json> [--event-loops N] [--tls-engine
 * auto|openssl|jdk]}. The options default to the environment variables {@code AKPROXY_EVENT_LOOPS}
 * and {@code AKPROXY_TLS_ENGINE}, then to one event loop per available CPU and OpenSSL when it
 * loads.
 */
record CommandLine(Path configFile, int eventLoops, String tlsEngine) {

  static final String USAGE =
      "usage: java -jar proxy-runtime.jar --config <proxy.json>"
          + " [--event-loops N] [--tls-engine auto|openssl|jdk]";

  /** Thrown for arguments that cannot be understood; the message says which and why. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static CommandLine parse(List<String> args, Map<String, String> env, int processors)
      throws UsageException {
    Path config = null;
    String eventLoops = env.get("AKPROXY_EVENT_LOOPS");
    String engine = env.getOrDefault("AKPROXY_TLS_ENGINE", "auto");
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--config" -> config = Path.of(value(args, ++i, arg));
        case "--event-loops" -> eventLoops = value(args, ++i, arg);
        case "--tls-engine" -> engine = value(args, ++i, arg);
        default -> throw new UsageException("unknown argument \"" + arg + "\"");
      }
    }
    if (config == null) {
      throw new UsageException("--config is required");
    }
    int loops = processors;
    if (eventLoops != null && !eventLoops.isBlank()) {
      try {
        loops = Integer.parseInt(eventLoops.trim());
      } catch (NumberFormatException e) {
        loops = 0;
      }
      if (loops < 1) {
        throw new UsageException(
            "event loops must be a positive number, not \"" + eventLoops + "\"");
      }
    }
    return new CommandLine(config, loops, engine);
  }

  private static String value(List<String> args, int index, String option) throws UsageException {
    if (index >= args.size()) {
      throw new UsageException(option + " needs a value");
    }
    return args.get(index);
  }
}
