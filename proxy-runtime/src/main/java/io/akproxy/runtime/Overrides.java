package io.akproxy.runtime;

import io.akproxy.config.IpAddresses;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Upstream;
import io.akproxy.runtime.load.FileRoot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Command-line overrides that run a pod's unmodified {@code proxy.json} outside its container, so a
 * test serves exactly what the operator rendered: where the files it names are ({@code --root}),
 * which address the listeners bind ({@code --bind-address}, e.g. one 127.x.y.z per simulated pod,
 * each with the configuration's own ports) and where the upstream's name points ({@code --resolve},
 * like curl's). They change where things are, never what is served: the configuration hash stays
 * that of the file as written, and {@code /status} lists every override in force.
 *
 * @param bindAddress replaces {@code listeners.bindAddress} for every listener
 * @param resolve upstream {@code host:port} to the {@code address:port} to connect to instead; the
 *     TLS server name and verified name stay the configuration's
 */
public record Overrides(
    FileRoot files, Optional<String> bindAddress, Map<Authority, Authority> resolve) {

  /** None: everything as the configuration says (a pod). */
  public static final Overrides NONE =
      new Overrides(FileRoot.AS_WRITTEN, Optional.empty(), Map.of());

  public Overrides {
    resolve = Collections.unmodifiableMap(new LinkedHashMap<>(resolve));
  }

  /** The address the listeners bind. */
  public String bindAddress(ProxyConfig config) {
    return bindAddress.orElse(config.listeners().bindAddress());
  }

  /** Where to connect for the upstream: its own host and port unless {@code --resolve} says. */
  public Authority upstreamAddress(Upstream upstream) {
    Authority named =
        new Authority(Authority.normalizeHost(upstream.uri().getHost()), upstream.port());
    return resolve.getOrDefault(named, named);
  }

  public boolean isEmpty() {
    return !files.isRooted() && bindAddress.isEmpty() && resolve.isEmpty();
  }

  /** One line per override, as given, for the start-up log. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    if (files.isRooted()) {
      lines.add("--root " + files);
    }
    bindAddress.ifPresent(address -> lines.add("--bind-address " + address));
    resolve.forEach((from, to) -> lines.add("--resolve " + from + "=" + to));
    return lines;
  }

  /** A host (a DNS name or an IP literal, IPv6 without brackets, lower case) and a port. */
  public record Authority(String host, int port) {

    /**
     * Parses {@code host:port} or {@code [v6]:port}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Authority parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException("\"" + text + "\" is not host:port");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") != host.endsWith("]")) {
        throw new IllegalArgumentException("\"" + text + "\" has an unbalanced [");
      }
      if (!host.startsWith("[") && host.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "\"" + text + "\": write an IPv6 address in brackets, [::1]:9443");
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = 0;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "\"" + text + "\": " + text.substring(colon + 1) + " is not a port (1-65535)");
      }
      return new Authority(normalizeHost(host), port);
    }

    static String normalizeHost(String host) {
      String bare =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      return bare.toLowerCase(Locale.ROOT);
    }

    public boolean isAddress() {
      return IpAddresses.parse(host).isPresent();
    }

    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
