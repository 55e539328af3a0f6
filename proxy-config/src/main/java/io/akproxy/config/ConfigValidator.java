package io.akproxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The semantic rules of {@code proxy.json}. Pure: the operator runs it before rendering, the
 * runtime after parsing, so both reject the same configurations with the same words.
 */
public final class ConfigValidator {

  /** authentik closes idle connections after this; the proxy's pool must close them first. */
  static final int AUTHENTIK_IDLE_CLOSE_SECONDS = 120;

  /**
   * The longest duration any setting may give, in seconds: one day. Longer is a mistake, and the
   * runtime converts durations to milliseconds (past 2,147,483 s they no longer fit an int).
   */
  static final int MAX_DURATION_SECONDS = 86_400;

  static final int MAX_DURATION_MILLIS = MAX_DURATION_SECONDS * 1000;

  /** hstspreload.org's minimum max-age for preloading. */
  static final long HSTS_PRELOAD_MIN_MAX_AGE = 31_536_000L;

  private final List<ConfigError> errors = new ArrayList<>();

  private ConfigValidator() {}

  /** Every rule the configuration breaks; empty when it is valid. */
  public static List<ConfigError> validate(ProxyConfig config) {
    ConfigValidator validator = new ConfigValidator();
    validator.check(config);
    return List.copyOf(validator.errors);
  }

  private void check(ProxyConfig c) {
    if (c.version() != ProxyConfig.CURRENT_VERSION) {
      error(
          "version",
          "unsupported version "
              + c.version()
              + "; this build reads version "
              + ProxyConfig.CURRENT_VERSION);
    }
    checkServerNames(c.serverNames());
    checkListeners(c.listeners());
    checkTls(c.tls());
    checkUpstream(c.upstream());
    checkPathPrefix(c.pathPrefix());
    checkForwarding(c.forwarding());
    checkWebSocket(c.websocket());
    checkLimits(c.limits());
    positiveSeconds("reload.pollIntervalSeconds", c.reload().pollIntervalSeconds());
    atLeast("reload.debounceMillis", c.reload().debounceMillis(), 0);
    withinADay("reload.debounceMillis", c.reload().debounceMillis(), MAX_DURATION_MILLIS);
    secondsOrZero("shutdown.delaySeconds", c.shutdown().delaySeconds());
    secondsOrZero("shutdown.gracePeriodSeconds", c.shutdown().gracePeriodSeconds());
  }

  private void checkServerNames(List<String> names) {
    if (names.isEmpty()) {
      error("serverNames", "at least one server name is required");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String path = "serverNames[" + i + "]";
      if (!DnsNames.isServerName(name)) {
        error(
            path,
            quote(name) + " is not a valid DNS name (lower-case RFC 1123, e.g. sso.example.com)");
      } else if (!seen.add(name)) {
        error(path, quote(name) + " is listed twice");
      }
    }
  }

  private void checkListeners(Listeners listeners) {
    if (IpAddresses.parse(listeners.bindAddress()).isEmpty()) {
      error("listeners.bindAddress", quote(listeners.bindAddress()) + " is not an IP address");
    }
    Map<Integer, String> used = new HashMap<>();
    port(used, "listeners.https.port", listeners.https().port());
    // A listener that is not opened cannot clash.
    if (listeners.http().redirectToHttps()) {
      port(used, "listeners.http.port", listeners.http().port());
    }
    port(used, "listeners.admin.port", listeners.admin().port());
    // A port clients reach through the Service, not one this process opens: it may equal any.
    int redirectPort = listeners.http().redirectPort();
    if (redirectPort < 1 || redirectPort > 65535) {
      error("listeners.http.redirectPort", redirectPort + " is not a port (1-65535)");
    }
  }

  private void port(Map<Integer, String> used, String path, int port) {
    if (port < 1 || port > 65535) {
      error(path, port + " is not a port (1-65535)");
      return;
    }
    String other = used.putIfAbsent(port, path);
    if (other != null) {
      error(path, port + " is already used by " + other);
    }
  }

  private void checkTls(Tls tls) {
    absolutePath("tls.certFile", tls.certFile());
    absolutePath("tls.keyFile", tls.keyFile());
    if (!tls.minVersion().equals(Tls.TLS_1_3) && !tls.minVersion().equals(Tls.TLS_1_2)) {
      error("tls.minVersion", quote(tls.minVersion()) + " is not TLSv1.3 or TLSv1.2");
    }
    Tls.Hsts hsts = tls.hsts();
    atLeast("tls.hsts.maxAgeSeconds", hsts.maxAgeSeconds(), 0);
    if (hsts.preload() && !hsts.includeSubDomains()) {
      error("tls.hsts.preload", "preload requires includeSubDomains (hstspreload.org)");
    }
    if (hsts.preload() && hsts.maxAgeSeconds() < HSTS_PRELOAD_MIN_MAX_AGE) {
      error(
          "tls.hsts.preload",
          "preload requires maxAgeSeconds of at least " + HSTS_PRELOAD_MIN_MAX_AGE + " (one year)");
    }
  }

  private void checkUpstream(Upstream upstream) {
    checkUpstreamUrl(upstream.url());
    Upstream.UpstreamTls tls = upstream.tls();
    if (tls.caFile() != null) {
      absolutePath("upstream.tls.caFile", tls.caFile());
      if (!tls.verify()) {
        error("upstream.tls.caFile", "is set but verify is false; set verify: true to use it");
      }
    }
    if (tls.serverName() != null && !DnsNames.isHostName(tls.serverName())) {
      error("upstream.tls.serverName", quote(tls.serverName()) + " is not a valid DNS name");
    }
    int idle = upstream.keepAlive().maxIdleConnections();
    if (idle < 1 || idle > 1000) {
      error("upstream.keepAlive.maxIdleConnections", idle + " is not in 1-1000");
    }
    int idleTimeout = upstream.keepAlive().idleTimeoutSeconds();
    positive("upstream.keepAlive.idleTimeoutSeconds", idleTimeout);
    if (idleTimeout >= AUTHENTIK_IDLE_CLOSE_SECONDS) {
      error(
          "upstream.keepAlive.idleTimeoutSeconds",
          idleTimeout
              + " must be below "
              + AUTHENTIK_IDLE_CLOSE_SECONDS
              + ": authentik closes idle connections after "
              + AUTHENTIK_IDLE_CLOSE_SECONDS
              + " s");
    }
    positiveSeconds("upstream.connectTimeoutSeconds", upstream.connectTimeoutSeconds());
    positiveSeconds("upstream.responseTimeoutSeconds", upstream.responseTimeoutSeconds());
  }

  private void checkUpstreamUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      error("upstream.url", quote(url) + " is not a URL: " + e.getReason());
      return;
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
      error("upstream.url", quote(url) + " must use http or https");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      error("upstream.url", quote(url) + " has no host");
    }
    if (uri.getRawUserInfo() != null) {
      error("upstream.url", "must not carry credentials");
    }
    // URI accepts any digits; 0 would silently become the scheme's default port in Upstream.port().
    int port = uri.getPort();
    if (uri.getHost() != null && (port == 0 || port > 65535)) {
      error(
          "upstream.url",
          quote(url)
              + " has port "
              + port
              + "; give one in 1-65535, or none for the scheme's default");
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      error(
          "upstream.url",
          quote(url) + " must be scheme://host[:port] only; the path is set by pathPrefix");
    }
  }

  private void checkPathPrefix(String prefix) {
    if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
      error("pathPrefix", quote(prefix) + " must start and end with /");
    } else if (prefix.contains("//")
        || prefix.contains("/./")
        || prefix.contains("/../")
        || !prefix.matches("[A-Za-z0-9._~!$&'()*+,;=:@%/-]*")) {
      error("pathPrefix", quote(prefix) + " is not a plain URL path (no //, . or .. segments)");
    }
  }

  private void checkForwarding(Forwarding forwarding) {
    List<String> cidrs = forwarding.trustedProxyCidrs();
    for (int i = 0; i < cidrs.size(); i++) {
      if (Cidr.parse(cidrs.get(i)).isEmpty()) {
        error(
            "forwarding.trustedProxyCidrs[" + i + "]",
            quote(cidrs.get(i)) + " is not a valid CIDR");
      }
    }
    if (forwarding.proxyProtocol() && cidrs.isEmpty()) {
      error(
          "forwarding.proxyProtocol",
          "needs trustedProxyCidrs: a PROXY header is only believed from a trusted peer");
    }
  }

  private void checkWebSocket(WebSocketSettings ws) {
    if (ws.idleTimeoutSeconds() <= WebSocketSettings.OUTPOST_HELLO_SECONDS) {
      error(
          "websocket.idleTimeoutSeconds",
          ws.idleTimeoutSeconds()
              + " must be above "
              + WebSocketSettings.OUTPOST_HELLO_SECONDS
              + ": authentik's outposts send a HELLO every "
              + WebSocketSettings.OUTPOST_HELLO_SECONDS
              + " s");
    }
    withinADay("websocket.idleTimeoutSeconds", ws.idleTimeoutSeconds(), MAX_DURATION_SECONDS);
    positive("websocket.maxFrameBytes", ws.maxFrameBytes());
    positive("websocket.maxMessageBytes", ws.maxMessageBytes());
    if (ws.maxMessageBytes() < ws.maxFrameBytes()) {
      error(
          "websocket.maxMessageBytes",
          "must be at least maxFrameBytes (" + ws.maxFrameBytes() + ")");
    }
  }

  private void checkLimits(Limits limits) {
    atLeast("limits.maxHeaderBytes", limits.maxHeaderBytes(), 1024);
    atLeast("limits.maxRequestLineBytes", limits.maxRequestLineBytes(), 256);
    positiveSeconds("limits.headerTimeoutSeconds", limits.headerTimeoutSeconds());
    positiveSeconds("limits.idleTimeoutSeconds", limits.idleTimeoutSeconds());
    positive("limits.maxConnections", limits.maxConnections());
    positive("limits.http2MaxConcurrentStreams", limits.http2MaxConcurrentStreams());
  }

  private void positiveSeconds(String path, int seconds) {
    positive(path, seconds);
    withinADay(path, seconds, MAX_DURATION_SECONDS);
  }

  private void secondsOrZero(String path, int seconds) {
    atLeast(path, seconds, 0);
    withinADay(path, seconds, MAX_DURATION_SECONDS);
  }

  /**
   * @param aDay one day in the value's unit
   */
  private void withinADay(String path, long value, long aDay) {
    if (value > aDay) {
      error(path, value + " must be at most " + aDay + " (one day)");
    }
  }

  private void absolutePath(String path, String file) {
    if (!file.startsWith("/")) {
      error(path, quote(file) + " must be an absolute path");
    }
  }

  private void positive(String path, long value) {
    if (value <= 0) {
      error(path, value + " must be positive");
    }
  }

  private void atLeast(String path, long value, long minimum) {
    if (value < minimum) {
      error(path, value + " must be at least " + minimum);
    }
  }

  private void error(String path, String message) {
    errors.add(new ConfigError(path, message));
  }

  private static String quote(String value) {
    return "\"" + value + "\"";
  }
}
