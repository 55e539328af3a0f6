package io.akproxy.runtime.server;

import io.akproxy.config.Limits;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Tls;
import io.akproxy.runtime.load.CertificateMaterial;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The Vert.x options of the three listeners, derived from one configuration. */
public final class ListenerOptions {

  /** TLS 1.3's suites, then TLS 1.2's ECDHE with AEAD only (Mozilla's "intermediate" profile). */
  static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /** Stream resets an HTTP/2 client may send per window before it is cut off (rapid reset). */
  static final int HTTP2_MAX_RESETS_PER_WINDOW = 200;

  static final int HTTP2_RESET_WINDOW_SECONDS = 30;

  private ListenerOptions() {}

  /**
   * @param bindAddress the configuration's, unless the command line overrides it
   */
  public static HttpServerOptions https(
      ProxyConfig config, String bindAddress, CertificateMaterial certificate, TlsEngine engine) {
    Tls tls = config.tls();
    Limits limits = config.limits();
    HttpServerOptions options =
        client(config, bindAddress, config.listeners().https().port())
            .setSsl(true)
            .setSslEngineOptions(engine.options())
            .setKeyCertOptions(keyCert(certificate, engine))
            .setEnabledSecureTransportProtocols(protocols(tls.minVersion()))
            .setSslHandshakeTimeout(limits.headerTimeoutSeconds())
            .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
            .setUseAlpn(true)
            // Since 5.1 Vert.x answers a request in a version outside this list with a bare 501
            // before any handler sees it: HTTP/1.0 stays listed (last) so that Http10Refusal
            // answers it with its 505, HSTS and the access-log line.
            .setAlpnVersions(
                tls.http2()
                    ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1, HttpVersion.HTTP_1_0)
                    : List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_1_0))
            .setInitialSettings(
                new Http2Settings()
                    .setMaxConcurrentStreams(limits.http2MaxConcurrentStreams())
                    .setMaxHeaderListSize(limits.maxHeaderBytes()))
            // Rapid reset (CVE-2023-44487): a connection resetting more streams than this per
            // window gets GOAWAY ENHANCE_YOUR_CALM. Vert.x's defaults, set here so they are ours.
            .setHttp2RstFloodMaxRstFramePerWindow(HTTP2_MAX_RESETS_PER_WINDOW)
            .setHttp2RstFloodWindowDuration(HTTP2_RESET_WINDOW_SECONDS)
            .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS);
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }

  /**
   * The TLS part alone, for {@code HttpServer.updateSSLOptions}: the same as {@link #https} so a
   * reload changes nothing but what the new configuration and certificate say.
   */
  public static ServerSSLOptions sslOptions(
      ProxyConfig config, CertificateMaterial certificate, TlsEngine engine) {
    return https(config, config.listeners().bindAddress(), certificate, engine)
        .getSslOptions()
        .copy();
  }

  public static HttpServerOptions http(ProxyConfig config, String bindAddress) {
    return client(config, bindAddress, config.listeners().http().port());
  }

  public static HttpServerOptions admin(ProxyConfig config, String bindAddress) {
    return new HttpServerOptions()
        .setHost(bindAddress)
        .setPort(config.listeners().admin().port())
        .setIdleTimeout(config.limits().idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setCompressionSupported(false);
  }

  /** What both client-facing listeners share. */
  private static HttpServerOptions client(ProxyConfig config, String bindAddress, int port) {
    Limits limits = config.limits();
    return new HttpServerOptions()
        .setHost(bindAddress)
        .setPort(port)
        .setReuseAddress(true)
        .setTcpNoDelay(true)
        .setIdleTimeout(limits.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxHeaderSize(limits.maxHeaderBytes())
        .setMaxInitialLineLength(limits.maxRequestLineBytes())
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        .setHandle100ContinueAutomatically(true)
        // No cleartext HTTP/2 (h2c upgrade or prior knowledge) on the plain listener; the TLS
        // listener only ever negotiates h2 through ALPN.
        .setHttp2ClearTextEnabled(false)
        .setUseProxyProtocol(config.forwarding().proxyProtocol())
        .setProxyProtocolTimeout(limits.headerTimeoutSeconds())
        .setProxyProtocolTimeoutUnit(TimeUnit.SECONDS);
  }

  static Set<String> protocols(String minVersion) {
    Set<String> protocols = new LinkedHashSet<>();
    if (Tls.TLS_1_2.equals(minVersion)) {
      protocols.add(Tls.TLS_1_2);
    }
    protocols.add(Tls.TLS_1_3);
    return protocols;
  }

  private static KeyCertOptions keyCert(CertificateMaterial certificate, TlsEngine engine) {
    return new CachedKeyCertOptions(
        new PemKeyCertOptions()
            .setCertValue(Buffer.buffer(certificate.certPem()))
            .setKeyValue(Buffer.buffer(certificate.keyPem())),
        engine == TlsEngine.OPENSSL);
  }
}
