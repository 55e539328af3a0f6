package io.akproxy.testkit.runtime;

import java.net.URI;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a runtime process's listeners are bound, as its log says once they are all open: {@code
 * listening https on 127.0.0.1:41234}, {@code listening http on 127.0.0.1:41235 (redirect to
 * https)}, {@code listening admin on 127.0.0.1:41236}. With {@code --any-ports} the log is the only
 * place the ports are known.
 *
 * @param address the address the listeners are bound to
 * @param http absent when the configuration turns the HTTP redirect listener off
 */
public record Listening(String address, int https, OptionalInt http, int admin) {

  /** The address may be IPv6 ({@code ::1:9000}): the port is after the last colon. */
  private static final Pattern LINE =
      Pattern.compile(" listening (https|http|admin) on (\\S+):(\\d+)(?: \\(.*\\))?$");

  /**
   * The listeners {@code log} reports, once it reports them all; empty before. Only complete lines
   * count (the process may be halfway through writing the last one). The runtime logs the admin
   * listener's line last, after the others opened.
   */
  static Optional<Listening> in(String log) {
    String complete = log.substring(0, log.lastIndexOf('\n') + 1);
    String address = null;
    Integer https = null;
    OptionalInt http = OptionalInt.empty();
    for (String line : complete.split("\n")) {
      Matcher listening = LINE.matcher(line);
      if (!listening.find()) {
        continue;
      }
      int port = Integer.parseInt(listening.group(3));
      address = listening.group(2);
      switch (listening.group(1)) {
        case "https" -> https = port;
        case "http" -> http = OptionalInt.of(port);
        default -> {
          if (https == null) {
            throw new IllegalStateException("the admin listener opened before HTTPS:\n" + log);
          }
          return Optional.of(new Listening(address, https, http, port));
        }
      }
    }
    return Optional.empty();
  }

  /** The admin listener's base URI, for {@code /readyz}, {@code /status} and {@code /metrics}. */
  public URI adminUri() {
    return uri(address, admin);
  }

  static URI uri(String host, int port) {
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
  }
}
