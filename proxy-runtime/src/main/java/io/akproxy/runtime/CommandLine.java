package io.akproxy.runtime;

import io.akproxy.config.IpAddresses;
import io.akproxy.runtime.load.FileRoot;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar proxy-runtime.jar --config <proxy.json> [--event-loops N] [--tls-engine
 * auto|openssl|jdk] [--root <dir>] [--bind-address <ip>] [--resolve <host>:<port>=<ip>:<port>]...
 * [--any-ports]}. The event loops and the engine default to the environment variables {@code
 * AKPROXY_EVENT_LOOPS} and {@code AKPROXY_TLS_ENGINE}, then to one event loop per available CPU and
 * OpenSSL when it loads. {@code --root}, {@code --bind-address} and {@code --resolve} run a pod's
 * {@code proxy.json} outside its container (see {@link Overrides}).
 *
 * <p>{@code --any-ports}: every listener binds a port the kernel picks instead of the configured
 * one ({@link RuntimeOptions#anyPorts}); the bound ports are in the log's {@code listening
 * <listener> on <address>:<port>} lines. For tests outside a pod, which would otherwise pick a free
 * port, release it and race every other process to bind it; never in a pod.
 */
record CommandLine(
    Path configFile, int eventLoops, String tlsEngine, Overrides overrides, boolean anyPorts) {

  static final String USAGE =
      """
      usage: java -jar proxy-runtime.jar --config <proxy.json> [--event-loops N] \
      [--tls-engine auto|openssl|jdk]
             [--root <dir>] [--bind-address <ip>] [--resolve <host>:<port>=<ip>:<port>]...
             [--any-ports]  for tests outside a pod, never in a pod: every listener binds a port
                            the kernel picks, logged as "listening <listener> on <address>:<port>\"""";

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
    FileRoot root = FileRoot.AS_WRITTEN;
    Optional<String> bindAddress = Optional.empty();
    Map<Overrides.Authority, Overrides.Authority> resolve = new LinkedHashMap<>();
    boolean anyPorts = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--config" -> config = Path.of(value(args, ++i, arg));
        case "--event-loops" -> eventLoops = value(args, ++i, arg);
        case "--tls-engine" -> engine = value(args, ++i, arg);
        case "--root" -> root = FileRoot.under(Path.of(value(args, ++i, arg)));
        case "--bind-address" -> bindAddress = Optional.of(bindAddress(value(args, ++i, arg)));
        case "--resolve" -> resolve(value(args, ++i, arg), resolve);
        case "--any-ports" -> anyPorts = true;
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
    return new CommandLine(
        config, loops, engine, new Overrides(root, bindAddress, resolve), anyPorts);
  }

  private static String bindAddress(String value) throws UsageException {
    if (IpAddresses.parse(value).isEmpty()) {
      throw new UsageException("--bind-address: \"" + value + "\" is not an IP address");
    }
    return value;
  }

  /** {@code host:port=address:port}, as curl's {@code --resolve}; each host:port once. */
  private static void resolve(String value, Map<Overrides.Authority, Overrides.Authority> resolve)
      throws UsageException {
    int equals = value.indexOf('=');
    if (equals < 0) {
      throw new UsageException("--resolve: \"" + value + "\" is not <host>:<port>=<ip>:<port>");
    }
    Overrides.Authority from;
    Overrides.Authority to;
    try {
      from = Overrides.Authority.parse(value.substring(0, equals));
      to = Overrides.Authority.parse(value.substring(equals + 1));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--resolve: " + e.getMessage());
    }
    if (!to.isAddress()) {
      throw new UsageException(
          "--resolve: \"" + value.substring(equals + 1) + "\" must be an IP address and a port");
    }
    if (resolve.putIfAbsent(from, to) != null) {
      throw new UsageException("--resolve: " + from + " is given twice");
    }
  }

  private static String value(List<String> args, int index, String option) throws UsageException {
    if (index >= args.size()) {
      throw new UsageException(option + " needs a value");
    }
    return args.get(index);
  }
}
