package io.akproxy.runtime.proxy;

import io.akproxy.config.CidrMatcher;
import io.akproxy.config.ProxyConfig;
import io.akproxy.runtime.load.LoadedSet;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one request needs, derived once from one loaded file set: a request reads the current
 * snapshot once and uses it to the end, so a reload (which swaps the whole snapshot by reference)
 * never shows it half of an old and half of a new configuration.
 *
 * @param guards request-head checks, in order (see {@link RequestGuard})
 * @param webSocketIdleMillis a tunnel silent this long in both directions is closed
 */
public record Snapshot(
    LoadedSet loaded,
    CidrMatcher trustedProxies,
    Hsts hsts,
    List<RequestGuard> guards,
    HttpsRedirect redirect,
    UpstreamClient upstream,
    long webSocketIdleMillis,
    boolean accessLog) {

  public Snapshot {
    guards = List.copyOf(guards);
  }

  public static Snapshot of(LoadedSet loaded, UpstreamClient upstream) {
    ProxyConfig config = loaded.config();
    return new Snapshot(
        loaded,
        config.forwarding().trustedProxies(),
        new Hsts(config.tls().hsts()),
        guards(config),
        new HttpsRedirect(config.serverNames(), config.listeners().http().redirectPort()),
        upstream,
        config.websocket().idleTimeoutSeconds() * 1000L,
        config.accessLog().enabled());
  }

  /** The request-head checks a configuration asks for; hardening adds its own here. */
  static List<RequestGuard> guards(ProxyConfig config) {
    List<RequestGuard> guards = new ArrayList<>();
    guards.add(new Http10Refusal());
    if (!PathPrefixGuard.isRoot(config.pathPrefix())) {
      guards.add(new PathPrefixGuard(config.pathPrefix()));
    }
    return guards;
  }

  public ProxyConfig config() {
    return loaded.config();
  }

  /** The first guard's rejection, or {@code null} when the request may be forwarded. */
  Rejection check(HttpServerRequest request) {
    for (int i = 0; i < guards.size(); i++) {
      Rejection rejection = guards.get(i).check(request);
      if (rejection != null) {
        return rejection;
      }
    }
    return null;
  }
}
