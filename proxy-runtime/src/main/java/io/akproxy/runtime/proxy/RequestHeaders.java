package io.akproxy.runtime.proxy;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;

/**
 * Builds the headers sent to authentik from the client's, following docs/runtime.md "Forwarded
 * headers":
 *
 * <ul>
 *   <li>hop-by-hop headers, the names {@code Connection} lists, names with underscores, {@code
 *       Host} (sent as the request authority, unchanged) and {@code Expect} (answered here) are not
 *       copied;
 *   <li>from a peer outside the trusted CIDRs every {@code X-Forwarded-*}, {@code Forwarded} and
 *       {@code X-Real-IP} is dropped and {@code X-Forwarded-For: <peer>}, {@code X-Forwarded-Proto:
 *       https|http} and {@code X-Forwarded-Host: <Host>} are set;
 *   <li>from a trusted peer the incoming chain is kept, the peer appended to {@code
 *       X-Forwarded-For}, and its {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} kept;
 *   <li>{@code X-Forwarded-Proto} is only ever {@code https} or {@code http}, never ws/wss;
 *   <li>HTTP/2 may split {@code Cookie} into several fields; HTTP/1.1 needs one, joined by "; ".
 * </ul>
 *
 * The forwarded headers are written after everything else, so no {@code Connection} token can
 * remove them.
 */
public final class RequestHeaders {

  static final String X_FORWARDED_FOR = "x-forwarded-for";
  static final String X_FORWARDED_PROTO = "x-forwarded-proto";
  static final String X_FORWARDED_HOST = "x-forwarded-host";

  private RequestHeaders() {}

  /**
   * Copies {@code incoming} into {@code outgoing}.
   *
   * @param scheme {@code https} or {@code http}: the listener the request came in on
   * @param host the request's {@code Host} (or HTTP/2 {@code :authority}) as received
   */
  public static void copy(
      MultiMap incoming, MultiMap outgoing, Peer peer, String scheme, String host) {
    List<String> listed = ConnectionTokens.of(incoming);
    String forwardedFor = null;
    String forwardedProto = null;
    String forwardedHost = null;
    String cookie = null;
    for (var header : incoming) {
      String name = header.getKey();
      if (name.isEmpty()
          || name.charAt(0) == ':'
          || HeaderNames.isHopByHop(name)
          || HeaderNames.hasUnderscore(name)
          || HeaderNames.is(name, "host")
          || HeaderNames.is(name, "expect")) {
        continue;
      }
      if (HeaderNames.isForwarding(name)) {
        if (!peer.trusted()) {
          continue;
        }
        if (HeaderNames.is(name, X_FORWARDED_FOR)) {
          forwardedFor = join(forwardedFor, header.getValue(), ", ");
          continue;
        }
        if (HeaderNames.is(name, X_FORWARDED_PROTO)) {
          forwardedProto = forwardedProto == null ? header.getValue() : forwardedProto;
          continue;
        }
        if (HeaderNames.is(name, X_FORWARDED_HOST)) {
          forwardedHost = forwardedHost == null ? header.getValue() : forwardedHost;
          continue;
        }
        outgoing.add(name, header.getValue());
        continue;
      }
      if (!listed.isEmpty() && HeaderNames.isListed(name, listed)) {
        continue;
      }
      if (HeaderNames.is(name, "cookie")) {
        cookie = join(cookie, header.getValue(), "; ");
        continue;
      }
      outgoing.add(name, header.getValue());
    }
    if (cookie != null) {
      outgoing.add("cookie", cookie);
    }
    outgoing.set(
        X_FORWARDED_FOR,
        forwardedFor == null ? peer.address() : forwardedFor + ", " + peer.address());
    outgoing.set(X_FORWARDED_PROTO, proto(forwardedProto, scheme));
    outgoing.set(X_FORWARDED_HOST, forwardedHost == null ? host : forwardedHost);
  }

  /** A trusted proxy's scheme, folded onto https/http; anything else: this listener's scheme. */
  static String proto(String claimed, String scheme) {
    if (claimed == null) {
      return scheme;
    }
    String value = claimed.trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "https", "wss" -> "https";
      case "http", "ws" -> "http";
      default -> scheme;
    };
  }

  private static String join(String first, String next, String separator) {
    return first == null ? next : first + separator + next;
  }
}
