package io.akproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per rule: bad input gives exactly this path and reason. */
class ConfigValidatorTest {

  private static final ProxyConfig VALID = ProxyConfig.defaults(List.of("sso.example.com"));

  @Test
  void theDefaultsAreValid() {
    assertThat(ConfigValidator.validate(VALID)).isEmpty();
  }

  static Stream<Arguments> brokenRules() {
    return Stream.of(
        rule(
            "version",
            c ->
                new ProxyConfig(
                    2,
                    c.serverNames(),
                    c.listeners(),
                    c.tls(),
                    c.upstream(),
                    c.pathPrefix(),
                    c.forwarding(),
                    c.websocket(),
                    c.limits(),
                    c.reload(),
                    c.shutdown(),
                    c.accessLog()),
            "unsupported version 2; this build reads version 1"),
        rule(
            "serverNames",
            c -> c.withServerNames(List.of()),
            "at least one server name is required"),
        rule(
            "serverNames[1]",
            c -> c.withServerNames(List.of("sso.example.com", "SSO.example.com")),
            "\"SSO.example.com\" is not a valid DNS name (lower-case RFC 1123, e.g. sso.example.com)"),
        rule(
            "serverNames[0]",
            c -> c.withServerNames(List.of("-bad.example.com")),
            "\"-bad.example.com\" is not a valid DNS name (lower-case RFC 1123, e.g. sso.example.com)"),
        rule(
            "serverNames[1]",
            c -> c.withServerNames(List.of("a.example.com", "a.example.com")),
            "\"a.example.com\" is listed twice"),
        rule(
            "listeners.bindAddress",
            c ->
                c.withListeners(
                    new Listeners(
                        "localhost",
                        c.listeners().https(),
                        c.listeners().http(),
                        c.listeners().admin())),
            "\"localhost\" is not an IP address"),
        rule(
            "listeners.https.port",
            c -> c.withListeners(listeners(0, 8080, true, 9000)),
            "0 is not a port (1-65535)"),
        rule(
            "listeners.admin.port",
            c -> c.withListeners(listeners(8443, 8080, true, 65536)),
            "65536 is not a port (1-65535)"),
        rule(
            "listeners.admin.port",
            c -> c.withListeners(listeners(8443, 8080, true, 8443)),
            "8443 is already used by listeners.https.port"),
        rule(
            "listeners.http.port",
            c -> c.withListeners(listeners(8443, 8443, true, 9000)),
            "8443 is already used by listeners.https.port"),
        rule(
            "tls.certFile",
            c ->
                c.withTls(
                    new Tls("tls.crt", Tls.DEFAULT_KEY_FILE, "TLSv1.3", true, Tls.Hsts.defaults())),
            "\"tls.crt\" must be an absolute path"),
        rule(
            "tls.keyFile",
            c ->
                c.withTls(
                    new Tls(Tls.DEFAULT_CERT_FILE, "key", "TLSv1.3", true, Tls.Hsts.defaults())),
            "\"key\" must be an absolute path"),
        rule(
            "tls.minVersion",
            c -> c.withTls(tlsWith("TLSv1.0", Tls.Hsts.defaults())),
            "\"TLSv1.0\" is not TLSv1.3 or TLSv1.2"),
        rule(
            "tls.hsts.maxAgeSeconds",
            c -> c.withTls(tlsWith("TLSv1.3", new Tls.Hsts(-1, false, false))),
            "-1 must be at least 0"),
        rule(
            "tls.hsts.preload",
            c -> c.withTls(tlsWith("TLSv1.3", new Tls.Hsts(63072000, false, true))),
            "preload requires includeSubDomains (hstspreload.org)"),
        rule(
            "tls.hsts.preload",
            c -> c.withTls(tlsWith("TLSv1.3", new Tls.Hsts(86400, true, true))),
            "preload requires maxAgeSeconds of at least 31536000 (one year)"),
        rule(
            "upstream.url",
            c -> c.withUpstream(upstreamWithUrl("ftp://authentik:21")),
            "\"ftp://authentik:21\" must use http or https"),
        rule(
            "upstream.url",
            c -> c.withUpstream(upstreamWithUrl("https://:9443")),
            "\"https://:9443\" has no host"),
        rule(
            "upstream.url",
            c -> c.withUpstream(upstreamWithUrl("https://authentik:9443/if/flow/")),
            "\"https://authentik:9443/if/flow/\" must be scheme://host[:port] only; the path is set"
                + " by pathPrefix"),
        rule(
            "upstream.url",
            c -> c.withUpstream(upstreamWithUrl("https://user:pw@authentik:9443")),
            "must not carry credentials"),
        rule(
            "upstream.url",
            c -> c.withUpstream(upstreamWithUrl("https://authentik:0")),
            "\"https://authentik:0\" has port 0; give one in 1-65535, or none for the scheme's"
                + " default"),
        rule(
            "upstream.url",
            c -> c.withUpstream(upstreamWithUrl("http://authentik:65536")),
            "\"http://authentik:65536\" has port 65536; give one in 1-65535, or none for the"
                + " scheme's default"),
        rule(
            "upstream.tls.caFile",
            c ->
                c.withUpstream(
                    upstreamWithTls(new Upstream.UpstreamTls(false, "/ca/ca.crt", null))),
            "is set but verify is false; set verify: true to use it"),
        rule(
            "upstream.tls.caFile",
            c -> c.withUpstream(upstreamWithTls(new Upstream.UpstreamTls(true, "ca.crt", null))),
            "\"ca.crt\" must be an absolute path"),
        rule(
            "upstream.tls.serverName",
            c -> c.withUpstream(upstreamWithTls(new Upstream.UpstreamTls(true, null, "bad_name"))),
            "\"bad_name\" is not a valid DNS name"),
        rule(
            "upstream.keepAlive.maxIdleConnections",
            c -> c.withUpstream(upstreamWithKeepAlive(new Upstream.KeepAlive(0, 60))),
            "0 is not in 1-1000"),
        rule(
            "upstream.keepAlive.maxIdleConnections",
            c -> c.withUpstream(upstreamWithKeepAlive(new Upstream.KeepAlive(1001, 60))),
            "1001 is not in 1-1000"),
        rule(
            "upstream.url",
            c -> c.withUpstream(upstreamWithUrl("https://auth entik:9443")),
            "\"https://auth entik:9443\" is not a URL: Illegal character in authority"),
        rule(
            "upstream.keepAlive.idleTimeoutSeconds",
            c -> c.withUpstream(upstreamWithKeepAlive(new Upstream.KeepAlive(10, 120))),
            "120 must be below 120: authentik closes idle connections after 120 s"),
        rule(
            "upstream.keepAlive.idleTimeoutSeconds",
            c -> c.withUpstream(upstreamWithKeepAlive(new Upstream.KeepAlive(10, 0))),
            "0 must be positive"),
        rule(
            "upstream.connectTimeoutSeconds",
            c ->
                c.withUpstream(
                    new Upstream(
                        Upstream.DEFAULT_URL,
                        Upstream.UpstreamTls.defaults(),
                        Upstream.KeepAlive.defaults(),
                        0,
                        60)),
            "0 must be positive"),
        rule(
            "upstream.responseTimeoutSeconds",
            c ->
                c.withUpstream(
                    new Upstream(
                        Upstream.DEFAULT_URL,
                        Upstream.UpstreamTls.defaults(),
                        Upstream.KeepAlive.defaults(),
                        5,
                        -3)),
            "-3 must be positive"),
        rule("pathPrefix", c -> c.withPathPrefix("auth/"), "\"auth/\" must start and end with /"),
        rule("pathPrefix", c -> c.withPathPrefix("/auth"), "\"/auth\" must start and end with /"),
        rule(
            "pathPrefix",
            c -> c.withPathPrefix("/a/../b/"),
            "\"/a/../b/\" is not a plain URL path (no //, . or .. segments)"),
        rule(
            "pathPrefix",
            c -> c.withPathPrefix("/a b/"),
            "\"/a b/\" is not a plain URL path (no //, . or .. segments)"),
        rule(
            "forwarding.trustedProxyCidrs[1]",
            c -> c.withForwarding(new Forwarding(List.of("10.0.0.0/8", "10.0.0.0/33"), false)),
            "\"10.0.0.0/33\" is not a valid CIDR"),
        rule(
            "forwarding.trustedProxyCidrs[0]",
            c -> c.withForwarding(new Forwarding(List.of("fd00::/129"), false)),
            "\"fd00::/129\" is not a valid CIDR"),
        rule(
            "forwarding.trustedProxyCidrs[0]",
            c -> c.withForwarding(new Forwarding(List.of("10.0.0.1"), false)),
            "\"10.0.0.1\" is not a valid CIDR"),
        rule(
            "forwarding.proxyProtocol",
            c -> c.withForwarding(new Forwarding(List.of(), true)),
            "needs trustedProxyCidrs: a PROXY header is only believed from a trusted peer"),
        rule(
            "websocket.idleTimeoutSeconds",
            c -> c.withWebsocket(new WebSocketSettings(10, 65536, 65536)),
            "10 must be above 10: authentik's outposts send a HELLO every 10 s"),
        rule(
            "websocket.maxFrameBytes",
            c -> c.withWebsocket(new WebSocketSettings(60, 0, 65536)),
            "0 must be positive"),
        rule(
            "websocket.maxMessageBytes",
            c -> c.withWebsocket(new WebSocketSettings(60, 65536, 1024)),
            "must be at least maxFrameBytes (65536)"),
        rule(
            "listeners.https.port",
            c -> c.withListeners(listeners(65536, 8080, true, 9000)),
            "65536 is not a port (1-65535)"),
        rule(
            "listeners.http.port",
            c -> c.withListeners(listeners(8443, 0, true, 9000)),
            "0 is not a port (1-65535)"),
        rule(
            "limits.maxHeaderBytes",
            c -> c.withLimits(new Limits(100, 8192, 10, 75, 100, 128)),
            "100 must be at least 1024"),
        rule(
            "limits.maxRequestLineBytes",
            c -> c.withLimits(new Limits(8192, 10, 10, 75, 100, 128)),
            "10 must be at least 256"),
        rule(
            "limits.headerTimeoutSeconds",
            c -> c.withLimits(new Limits(8192, 8192, 0, 75, 100, 128)),
            "0 must be positive"),
        rule(
            "limits.idleTimeoutSeconds",
            c -> c.withLimits(new Limits(8192, 8192, 10, 0, 100, 128)),
            "0 must be positive"),
        rule(
            "limits.maxConnections",
            c -> c.withLimits(new Limits(8192, 8192, 10, 75, 0, 128)),
            "0 must be positive"),
        rule(
            "limits.http2MaxConcurrentStreams",
            c -> c.withLimits(new Limits(8192, 8192, 10, 75, 100, 0)),
            "0 must be positive"),
        rule(
            "reload.pollIntervalSeconds",
            c -> c.withReload(new Reload(0, 250)),
            "0 must be positive"),
        rule(
            "reload.debounceMillis", c -> c.withReload(new Reload(5, -1)), "-1 must be at least 0"),
        rule(
            "shutdown.gracePeriodSeconds",
            c -> c.withShutdown(new Shutdown(10, -5)),
            "-5 must be at least 0"),
        rule(
            "shutdown.delaySeconds",
            c -> c.withShutdown(new Shutdown(-1, 25)),
            "-1 must be at least 0"),
        tooLong(
            "upstream.connectTimeoutSeconds",
            c ->
                c.withUpstream(upstreamWithTimeouts(86_401, 60))
                    .withLimits(limitsWithTimeouts(10, 86_400))),
        tooLong(
            "upstream.responseTimeoutSeconds",
            c ->
                c.withUpstream(upstreamWithTimeouts(5, 86_401))
                    .withLimits(limitsWithTimeouts(10, 86_400))),
        tooLong("limits.headerTimeoutSeconds", c -> c.withLimits(limitsWithTimeouts(86_401, 75))),
        tooLong("limits.idleTimeoutSeconds", c -> c.withLimits(limitsWithTimeouts(10, 86_401))),
        tooLong(
            "websocket.idleTimeoutSeconds",
            c -> c.withWebsocket(new WebSocketSettings(86_401, 65536, 65536))),
        tooLong("reload.pollIntervalSeconds", c -> c.withReload(new Reload(86_401, 250))),
        rule(
            "reload.debounceMillis",
            c -> c.withReload(new Reload(5, 86_400_001)),
            "86400001 must be at most 86400000 (one day)"),
        tooLong("shutdown.delaySeconds", c -> c.withShutdown(new Shutdown(86_401, 25))),
        tooLong("shutdown.gracePeriodSeconds", c -> c.withShutdown(new Shutdown(10, 86_401))),
        rule(
            "listeners.http.redirectPort",
            c -> c.withListeners(redirectingTo(0)),
            "0 is not a port (1-65535)"),
        rule(
            "listeners.http.redirectPort",
            c -> c.withListeners(redirectingTo(65536)),
            "65536 is not a port (1-65535)"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("brokenRules")
  void eachRuleNamesThePathAndTheReason(
      String path, UnaryOperator<ProxyConfig> breakIt, String reason) {
    assertThat(ConfigValidator.validate(breakIt.apply(VALID)))
        .containsExactly(new ConfigError(path, reason));
  }

  @Test
  void theEdgesOfEachRangeAreAccepted() {
    assertThat(ConfigValidator.validate(VALID.withListeners(listeners(1, 65535, true, 2))))
        .isEmpty();
    assertThat(ConfigValidator.validate(VALID.withListeners(listeners(65535, 1, true, 65534))))
        .isEmpty();
    assertThat(ConfigValidator.validate(VALID.withListeners(redirectingTo(1)))).isEmpty();
    assertThat(ConfigValidator.validate(VALID.withListeners(redirectingTo(65535)))).isEmpty();
    assertThat(ConfigValidator.validate(VALID.withUpstream(upstreamWithUrl("https://a:1"))))
        .isEmpty();
    assertThat(ConfigValidator.validate(VALID.withUpstream(upstreamWithUrl("http://a:65535"))))
        .isEmpty();
    assertThat(
            ConfigValidator.validate(
                VALID.withUpstream(upstreamWithKeepAlive(new Upstream.KeepAlive(1, 60)))))
        .isEmpty();
    assertThat(
            ConfigValidator.validate(
                VALID.withUpstream(upstreamWithKeepAlive(new Upstream.KeepAlive(1000, 119)))))
        .isEmpty();
    // Every duration may be a day long, and a day's milliseconds for the debounce.
    assertThat(
            ConfigValidator.validate(
                VALID
                    .withUpstream(upstreamWithTimeouts(399, 86_000))
                    .withLimits(limitsWithTimeouts(86_400, 86_400))
                    .withWebsocket(new WebSocketSettings(86_400, 65536, 65536))
                    .withReload(new Reload(86_400, 86_400_000))
                    .withShutdown(new Shutdown(86_400, 86_400))))
        .isEmpty();
    // hstspreload.org's minimum is one year exactly.
    assertThat(
            ConfigValidator.validate(
                VALID.withTls(tlsWith("TLSv1.3", new Tls.Hsts(31536000, true, true)))))
        .isEmpty();
  }

  @Test
  void aZeroMessageLimitIsRefusedForWhatItIs() {
    assertThat(ConfigValidator.validate(VALID.withWebsocket(new WebSocketSettings(60, 0, 0))))
        .containsExactlyInAnyOrder(
            new ConfigError("websocket.maxFrameBytes", "0 must be positive"),
            new ConfigError("websocket.maxMessageBytes", "0 must be positive"));
  }

  @Test
  void aClosedHttpListenerCannotClash() {
    ProxyConfig config = VALID.withListeners(listeners(8443, 8443, false, 9000));

    assertThat(ConfigValidator.validate(config)).isEmpty();
  }

  @Test
  void theRedirectPortIsTheServicesAndMayEqualAContainerPort() {
    assertThat(ConfigValidator.validate(VALID.withListeners(redirectingTo(8443)))).isEmpty();
  }

  @Test
  void noShutdownDelayKeepsTheImmediateStop() {
    assertThat(ConfigValidator.validate(VALID.withShutdown(new Shutdown(0, 0)))).isEmpty();
  }

  @Test
  void wildcardServerNamesAndIpv6CidrsAreAccepted() {
    ProxyConfig config =
        VALID
            .withServerNames(List.of("sso.example.com", "*.auth.example.com"))
            .withForwarding(
                new Forwarding(List.of("10.0.0.0/8", "fd00::/8", "::ffff:192.168.0.0/112"), true))
            .withPathPrefix("/authentik/")
            .withUpstream(upstreamWithUrl("http://authentik-server:9000"));

    assertThat(ConfigValidator.validate(config)).isEmpty();
  }

  private static Arguments rule(String path, UnaryOperator<ProxyConfig> breakIt, String reason) {
    return Arguments.of(path, breakIt, reason);
  }

  /**
   * A duration beyond a day: a mistake, and past 2,147,483 s its milliseconds no longer fit an int.
   */
  private static Arguments tooLong(String path, UnaryOperator<ProxyConfig> breakIt) {
    return rule(path, breakIt, "86401 must be at most 86400 (one day)");
  }

  private static Listeners listeners(int https, int http, boolean redirect, int admin) {
    return new Listeners(
        Listeners.DEFAULT_BIND_ADDRESS,
        new Listeners.Https(https),
        new Listeners.Http(http, redirect),
        new Listeners.Admin(admin));
  }

  private static Listeners redirectingTo(int redirectPort) {
    Listeners d = Listeners.defaults();
    return new Listeners(
        d.bindAddress(),
        d.https(),
        new Listeners.Http(d.http().port(), true, redirectPort),
        d.admin());
  }

  private static Tls tlsWith(String minVersion, Tls.Hsts hsts) {
    return new Tls(Tls.DEFAULT_CERT_FILE, Tls.DEFAULT_KEY_FILE, minVersion, true, hsts);
  }

  private static Upstream upstreamWithUrl(String url) {
    Upstream d = Upstream.defaults();
    return new Upstream(
        url, d.tls(), d.keepAlive(), d.connectTimeoutSeconds(), d.responseTimeoutSeconds());
  }

  private static Upstream upstreamWithTls(Upstream.UpstreamTls tls) {
    Upstream d = Upstream.defaults();
    return new Upstream(
        d.url(), tls, d.keepAlive(), d.connectTimeoutSeconds(), d.responseTimeoutSeconds());
  }

  private static Upstream upstreamWithTimeouts(int connectSeconds, int responseSeconds) {
    Upstream d = Upstream.defaults();
    return new Upstream(d.url(), d.tls(), d.keepAlive(), connectSeconds, responseSeconds);
  }

  private static Limits limitsWithTimeouts(int headerSeconds, int idleSeconds) {
    Limits d = Limits.defaults();
    return new Limits(
        d.maxHeaderBytes(),
        d.maxRequestLineBytes(),
        headerSeconds,
        idleSeconds,
        d.maxConnections(),
        d.http2MaxConcurrentStreams());
  }

  private static Upstream upstreamWithKeepAlive(Upstream.KeepAlive keepAlive) {
    Upstream d = Upstream.defaults();
    return new Upstream(
        d.url(), d.tls(), keepAlive, d.connectTimeoutSeconds(), d.responseTimeoutSeconds());
  }
}
