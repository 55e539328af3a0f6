package io.akproxy.operator.model;

import io.akproxy.config.Forwarding;
import io.akproxy.config.Limits;
import io.akproxy.config.Listeners;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Shutdown;
import io.akproxy.config.Tls;
import io.akproxy.config.Upstream;
import io.akproxy.config.WebSocketSettings;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.HstsSpec;

/**
 * The resource's spec as the runtime's proxy.json. File paths are the mount points the Deployment
 * model uses, so config changes never need a pod change.
 */
public final class ProxyConfigFactory {

  /**
   * How much longer than connecting plus waiting for authentik's answer a client connection may
   * stay idle: time for the 504 to be written before the connection's idle timer fires. With the
   * resource's default timeouts (5 + 60 + 10) the idle timeout is the contract's default, 75 s.
   */
  static final int CLIENT_IDLE_MARGIN_SECONDS = 10;

  private ProxyConfigFactory() {}

  /**
   * @param upstreamUrl the resolved upstream (see {@link UpstreamResolver})
   */
  public static ProxyConfig build(AuthentikProxy proxy, String upstreamUrl) {
    ProxyConfig defaults = ProxyConfig.defaults(SpecDefaults.hosts(proxy));
    Listeners listeners = defaults.listeners();
    listeners =
        new Listeners(
            listeners.bindAddress(),
            listeners.https(),
            // The redirect names the port clients reach: the Service's, not the container's.
            new Listeners.Http(
                listeners.http().port(),
                SpecDefaults.httpRedirect(proxy),
                SpecDefaults.serviceHttpsPort(proxy)),
            listeners.admin());
    HstsSpec hsts = SpecDefaults.hsts(proxy);
    Tls tls =
        new Tls(
            Names.TLS_DIR + "/" + TlsSecretInspector.CERT_KEY,
            Names.TLS_DIR + "/" + TlsSecretInspector.KEY_KEY,
            SpecDefaults.minTlsVersion(proxy),
            SpecDefaults.http2(proxy),
            new Tls.Hsts(hsts.maxAgeSeconds, hsts.includeSubDomains, hsts.preload));
    Upstream defaultUpstream = defaults.upstream();
    Upstream upstream =
        new Upstream(
            upstreamUrl,
            new Upstream.UpstreamTls(
                SpecDefaults.upstreamVerify(proxy),
                SpecDefaults.caSecretName(proxy).map(name -> Names.UPSTREAM_CA_FILE).orElse(null),
                SpecDefaults.upstreamServerName(proxy)),
            new Upstream.KeepAlive(
                SpecDefaults.keepAlive(proxy), defaultUpstream.keepAlive().idleTimeoutSeconds()),
            SpecDefaults.connectTimeoutSeconds(proxy),
            SpecDefaults.responseTimeoutSeconds(proxy));
    return defaults
        .withLimits(clientIdleOutlasting(defaults.limits(), upstream))
        .withListeners(listeners)
        .withTls(tls)
        .withUpstream(upstream)
        .withPathPrefix(SpecDefaults.path(proxy))
        .withForwarding(
            new Forwarding(
                SpecDefaults.trustedProxyCidrs(proxy), SpecDefaults.proxyProtocol(proxy)))
        .withWebsocket(
            new WebSocketSettings(
                SpecDefaults.websocketIdleTimeoutSeconds(proxy),
                SpecDefaults.websocketMaxFrameBytes(proxy),
                SpecDefaults.websocketMaxMessageBytes(proxy)))
        .withShutdown(
            new Shutdown(
                SpecDefaults.shutdownDelaySeconds(proxy),
                defaults.shutdown().gracePeriodSeconds()));
  }

  /**
   * The client idle timeout is not a field of the resource, but the runtime's idle timer keeps
   * counting while a request waits on authentik, so it must exceed connect plus response timeout or
   * the client sees a closed connection instead of the answer or the 504. So it follows the
   * upstream timeouts: never below the default, raised past them when they are long. It is a
   * restart-only setting: raising it changes the pod template and rolls the pods.
   */
  private static Limits clientIdleOutlasting(Limits limits, Upstream upstream) {
    int idle =
        Math.max(
            limits.idleTimeoutSeconds(),
            upstream.connectTimeoutSeconds()
                + upstream.responseTimeoutSeconds()
                + CLIENT_IDLE_MARGIN_SECONDS);
    return new Limits(
        limits.maxHeaderBytes(),
        limits.maxRequestLineBytes(),
        limits.headerTimeoutSeconds(),
        idle,
        limits.maxConnections(),
        limits.http2MaxConcurrentStreams());
  }
}
