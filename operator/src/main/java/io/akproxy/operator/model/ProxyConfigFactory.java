package io.akproxy.operator.model;

import io.akproxy.config.Forwarding;
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
}
