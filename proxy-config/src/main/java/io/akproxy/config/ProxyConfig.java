package io.akproxy.config;

import java.util.List;
import java.util.Objects;

/**
 * The whole mounted {@code proxy.json}: what the operator renders and the runtime serves.
 * Immutable; a reload builds a new instance. Defaults are those of authentik's own nginx example.
 *
 * @param version format version; this code reads and writes {@link #CURRENT_VERSION}
 * @param serverNames host names the proxy answers for; the first is the canonical one
 * @param pathPrefix authentik's web path ({@code AUTHENTIK_WEB__PATH}), kept when forwarding
 */
public record ProxyConfig(
    int version,
    List<String> serverNames,
    Listeners listeners,
    Tls tls,
    Upstream upstream,
    String pathPrefix,
    Forwarding forwarding,
    WebSocketSettings websocket,
    Limits limits,
    Reload reload,
    Shutdown shutdown,
    AccessLog accessLog) {

  public static final int CURRENT_VERSION = 1;
  public static final String DEFAULT_PATH_PREFIX = "/";

  public ProxyConfig {
    serverNames = List.copyOf(serverNames);
    Objects.requireNonNull(listeners, "listeners");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    Objects.requireNonNull(forwarding, "forwarding");
    Objects.requireNonNull(websocket, "websocket");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(reload, "reload");
    Objects.requireNonNull(shutdown, "shutdown");
    Objects.requireNonNull(accessLog, "accessLog");
  }

  /** Every default, for the given server names. */
  public static ProxyConfig defaults(List<String> serverNames) {
    return new ProxyConfig(
        CURRENT_VERSION,
        serverNames,
        Listeners.defaults(),
        Tls.defaults(),
        Upstream.defaults(),
        DEFAULT_PATH_PREFIX,
        Forwarding.defaults(),
        WebSocketSettings.defaults(),
        Limits.defaults(),
        Reload.defaults(),
        Shutdown.defaults(),
        AccessLog.defaults());
  }

  /** The canonical JSON text of this configuration. */
  public String render() {
    return ConfigRenderer.render(this);
  }

  /** {@code sha256:<hex>} of {@link #render()}: equal configurations hash equal. */
  public String hash() {
    return ConfigRenderer.hash(this);
  }

  /**
   * The settings a runtime applies only when its listeners open; a change to any of them needs a
   * restart (the operator rolls the pods), a change to anything else is reloaded live.
   */
  public RestartOnlySettings restartOnly() {
    return RestartOnlySettings.of(this);
  }

  public ProxyConfig withServerNames(List<String> value) {
    return new ProxyConfig(
        version,
        value,
        listeners,
        tls,
        upstream,
        pathPrefix,
        forwarding,
        websocket,
        limits,
        reload,
        shutdown,
        accessLog);
  }

  public ProxyConfig withListeners(Listeners value) {
    return new ProxyConfig(
        version,
        serverNames,
        value,
        tls,
        upstream,
        pathPrefix,
        forwarding,
        websocket,
        limits,
        reload,
        shutdown,
        accessLog);
  }

  public ProxyConfig withTls(Tls value) {
    return new ProxyConfig(
        version,
        serverNames,
        listeners,
        value,
        upstream,
        pathPrefix,
        forwarding,
        websocket,
        limits,
        reload,
        shutdown,
        accessLog);
  }

  public ProxyConfig withUpstream(Upstream value) {
    return new ProxyConfig(
        version,
        serverNames,
        listeners,
        tls,
        value,
        pathPrefix,
        forwarding,
        websocket,
        limits,
        reload,
        shutdown,
        accessLog);
  }

  public ProxyConfig withPathPrefix(String value) {
    return new ProxyConfig(
        version,
        serverNames,
        listeners,
        tls,
        upstream,
        value,
        forwarding,
        websocket,
        limits,
        reload,
        shutdown,
        accessLog);
  }

  public ProxyConfig withForwarding(Forwarding value) {
    return new ProxyConfig(
        version,
        serverNames,
        listeners,
        tls,
        upstream,
        pathPrefix,
        value,
        websocket,
        limits,
        reload,
        shutdown,
        accessLog);
  }

  public ProxyConfig withWebsocket(WebSocketSettings value) {
    return new ProxyConfig(
        version,
        serverNames,
        listeners,
        tls,
        upstream,
        pathPrefix,
        forwarding,
        value,
        limits,
        reload,
        shutdown,
        accessLog);
  }

  public ProxyConfig withLimits(Limits value) {
    return new ProxyConfig(
        version,
        serverNames,
        listeners,
        tls,
        upstream,
        pathPrefix,
        forwarding,
        websocket,
        value,
        reload,
        shutdown,
        accessLog);
  }

  public ProxyConfig withReload(Reload value) {
    return new ProxyConfig(
        version,
        serverNames,
        listeners,
        tls,
        upstream,
        pathPrefix,
        forwarding,
        websocket,
        limits,
        value,
        shutdown,
        accessLog);
  }

  public ProxyConfig withShutdown(Shutdown value) {
    return new ProxyConfig(
        version,
        serverNames,
        listeners,
        tls,
        upstream,
        pathPrefix,
        forwarding,
        websocket,
        limits,
        reload,
        value,
        accessLog);
  }

  public ProxyConfig withAccessLog(AccessLog value) {
    return new ProxyConfig(
        version,
        serverNames,
        listeners,
        tls,
        upstream,
        pathPrefix,
        forwarding,
        websocket,
        limits,
        reload,
        shutdown,
        value);
  }
}
