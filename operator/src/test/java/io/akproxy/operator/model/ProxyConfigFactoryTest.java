package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.ConfigParser;
import io.akproxy.config.ConfigValidator;
import io.akproxy.config.Limits;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Tls;
import io.akproxy.config.Upstream;
import io.akproxy.config.WebSocketSettings;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxySpec;
import io.akproxy.operator.api.HstsSpec;
import io.akproxy.operator.api.ServiceSpec;
import io.akproxy.operator.api.ShutdownSpec;
import io.akproxy.operator.api.TlsVersion;
import io.akproxy.operator.api.UpstreamSpec;
import io.akproxy.operator.api.UpstreamTlsSpec;
import io.akproxy.operator.api.WebSocketSpec;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyConfigFactoryTest {

  private static final String UPSTREAM = "https://authentik-server.authentik.svc.cluster.local:443";
  private static final String IMAGE = "ghcr.io/akproxy/proxy-runtime:0.1.0";

  @Test
  void aMinimalResourceRendersTheSeedsDefaults() {
    AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
    ProxyConfig config = ProxyConfigFactory.build(proxy, UPSTREAM);
    ProxyConfig seed =
        ProxyConfig.defaults(List.of("sso.example.com"))
            .withUpstream(
                new Upstream(
                    UPSTREAM,
                    Upstream.UpstreamTls.defaults(),
                    Upstream.KeepAlive.defaults(),
                    5,
                    60));
    assertThat(config).isEqualTo(seed);
    assertThat(ConfigValidator.validate(config)).isEmpty();
    // What the operator renders is what the runtime parses.
    assertThat(ConfigParser.parse(config.render())).isEqualTo(config);
  }

  @Test
  void theCrdDefaultsAreTheContractsDefaults() {
    ProxyConfig defaults = ProxyConfig.defaults(List.of("sso.example.com"));
    assertThat(UpstreamSpec.DEFAULT_KEEP_ALIVE)
        .isEqualTo(defaults.upstream().keepAlive().maxIdleConnections());
    assertThat(UpstreamSpec.DEFAULT_CONNECT_TIMEOUT_SECONDS)
        .isEqualTo(defaults.upstream().connectTimeoutSeconds());
    assertThat(UpstreamSpec.DEFAULT_RESPONSE_TIMEOUT_SECONDS)
        .isEqualTo(defaults.upstream().responseTimeoutSeconds());
    assertThat(HstsSpec.DEFAULT_MAX_AGE_SECONDS).isEqualTo(Tls.Hsts.DEFAULT_MAX_AGE_SECONDS);
    assertThat(WebSocketSpec.DEFAULT_IDLE_TIMEOUT_SECONDS)
        .isEqualTo(WebSocketSettings.defaults().idleTimeoutSeconds());
    assertThat(AuthentikProxySpec.DEFAULT_PATH).isEqualTo(ProxyConfig.DEFAULT_PATH_PREFIX);
    assertThat(TlsVersion.TLS_1_3.value()).isEqualTo(defaults.tls().minVersion());
    assertThat(WebSocketSpec.DEFAULT_MAX_FRAME_BYTES)
        .isEqualTo(defaults.websocket().maxFrameBytes())
        .isEqualTo(16 * 1024 * 1024);
    assertThat(WebSocketSpec.DEFAULT_MAX_MESSAGE_BYTES)
        .isEqualTo(defaults.websocket().maxMessageBytes())
        .isEqualTo(16 * 1024 * 1024);
    assertThat(ShutdownSpec.DEFAULT_DELAY_SECONDS)
        .isEqualTo(defaults.shutdown().delaySeconds())
        .isEqualTo(10);
    assertThat(ServiceSpec.DEFAULT_HTTPS_PORT)
        .isEqualTo(defaults.listeners().http().redirectPort())
        .isEqualTo(443);
  }

  @Test
  void theRedirectNamesTheServicesHttpsPortNotTheContainers() {
    AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
    assertThat(ProxyConfigFactory.build(proxy, UPSTREAM).listeners().http().redirectPort())
        .isEqualTo(443);
    proxy.getSpec().service = new ServiceSpec();
    proxy.getSpec().service.httpsPort = 8443;
    ProxyConfig config = ProxyConfigFactory.build(proxy, UPSTREAM);
    assertThat(config.listeners().http().redirectPort()).isEqualTo(8443);
    assertThat(ConfigParser.parse(config.render())).isEqualTo(config);
  }

  @Test
  void everySpecFieldReachesProxyJson() {
    AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
    AuthentikProxySpec spec = proxy.getSpec();
    spec.hosts = List.of("sso.example.com", "*.login.example.com");
    spec.httpRedirect = false;
    spec.path = "/authentik/";
    spec.trustedProxyCIDRs = List.of("10.0.0.0/8", "fd00::/8");
    spec.proxyProtocol = true;
    spec.websocket = new WebSocketSpec();
    spec.websocket.idleTimeoutSeconds = 900;
    spec.websocket.maxFrameBytes = 1024 * 1024;
    spec.websocket.maxMessageBytes = 64 * 1024 * 1024;
    spec.shutdown = new ShutdownSpec();
    spec.shutdown.delaySeconds = 20;
    spec.tls.minVersion = TlsVersion.TLS_1_2;
    spec.tls.http2 = false;
    spec.tls.hsts = new HstsSpec();
    spec.tls.hsts.maxAgeSeconds = 31_536_000L;
    spec.tls.hsts.includeSubDomains = true;
    spec.tls.hsts.preload = true;
    spec.upstream.keepAlive = 32;
    spec.upstream.connectTimeoutSeconds = 2;
    spec.upstream.responseTimeoutSeconds = 30;
    spec.upstream.tls = new UpstreamTlsSpec();
    spec.upstream.tls.verify = true;
    spec.upstream.tls.caSecretName = "authentik-ca";
    spec.upstream.tls.serverName = "authentik.internal";

    ProxyConfig config = ProxyConfigFactory.build(proxy, UPSTREAM);
    assertThat(ConfigValidator.validate(config)).isEmpty();
    assertThat(config.serverNames()).containsExactly("sso.example.com", "*.login.example.com");
    assertThat(config.listeners().http().redirectToHttps()).isFalse();
    assertThat(config.pathPrefix()).isEqualTo("/authentik/");
    assertThat(config.forwarding().trustedProxyCidrs()).containsExactly("10.0.0.0/8", "fd00::/8");
    assertThat(config.forwarding().proxyProtocol()).isTrue();
    assertThat(config.websocket().idleTimeoutSeconds()).isEqualTo(900);
    assertThat(config.websocket().maxFrameBytes()).isEqualTo(1024 * 1024);
    assertThat(config.websocket().maxMessageBytes()).isEqualTo(64 * 1024 * 1024);
    assertThat(config.shutdown().delaySeconds()).isEqualTo(20);
    assertThat(config.tls().minVersion()).isEqualTo("TLSv1.2");
    assertThat(config.tls().http2()).isFalse();
    assertThat(config.tls().hsts().headerValue())
        .isEqualTo("max-age=31536000; includeSubDomains; preload");
    assertThat(config.upstream().keepAlive().maxIdleConnections()).isEqualTo(32);
    assertThat(config.upstream().connectTimeoutSeconds()).isEqualTo(2);
    assertThat(config.upstream().responseTimeoutSeconds()).isEqualTo(30);
    assertThat(config.upstream().tls().verify()).isTrue();
    assertThat(config.upstream().tls().caFile()).isEqualTo("/etc/akproxy/upstream-ca/ca.crt");
    assertThat(config.upstream().tls().serverName()).isEqualTo("authentik.internal");
  }

  /**
   * The client idle timeout is not a field of the resource: the operator derives it, so every pair
   * of upstream timeouts the CRD accepts, up to its maxima, renders a configuration the runtime
   * takes (the client connection outlasts connecting plus waiting for authentik's answer).
   */
  @Test
  void everyUpstreamTimeoutTheCrdAcceptsRendersAValidConfig() throws Exception {
    for (int connect : crdRange("connectTimeoutSeconds")) {
      for (int response : crdRange("responseTimeoutSeconds")) {
        AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
        proxy.getSpec().upstream.connectTimeoutSeconds = connect;
        proxy.getSpec().upstream.responseTimeoutSeconds = response;

        ProxyConfig config = ProxyConfigFactory.build(proxy, UPSTREAM);

        assertThat(ConfigValidator.validate(config))
            .as("connectTimeoutSeconds %d, responseTimeoutSeconds %d", connect, response)
            .isEmpty();
        assertThat(config.limits().idleTimeoutSeconds())
            .isGreaterThan(connect + response)
            .isGreaterThanOrEqualTo(Limits.defaults().idleTimeoutSeconds());
      }
    }
  }

  /**
   * A response timeout past the default idle timeout raises it; the idle timeout is applied only
   * when the listeners open, so the pod template changes and the pods roll to serve it.
   */
  @Test
  void aLongResponseTimeoutRaisesTheClientIdleTimeoutAndRollsThePods() {
    AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
    ProxyConfig before = ProxyConfigFactory.build(proxy, UPSTREAM);
    proxy.getSpec().upstream.responseTimeoutSeconds = 120;

    ProxyConfig after = ProxyConfigFactory.build(proxy, UPSTREAM);

    assertThat(before.limits().idleTimeoutSeconds()).isEqualTo(75);
    assertThat(after.limits().idleTimeoutSeconds()).isGreaterThan(5 + 120);
    assertThat(ConfigValidator.validate(after)).isEmpty();
    assertThat(podTemplate(proxy, after)).isNotEqualTo(podTemplate(proxy, before));
  }

  private static PodTemplateSpec podTemplate(AuthentikProxy proxy, ProxyConfig config) {
    return ChildrenModel.deployment(proxy, IMAGE, config).getSpec().getTemplate();
  }

  /** The CRD's minimum, default and maximum of one of the resource's upstream timeouts. */
  private static List<Integer> crdRange(String field) throws NoSuchFieldException {
    var declared = UpstreamSpec.class.getField(field);
    int min = (int) declared.getAnnotation(Min.class).value();
    int max = (int) declared.getAnnotation(Max.class).value();
    int defaultValue = Integer.parseInt(declared.getAnnotation(Default.class).value());
    return List.of(min, defaultValue, max);
  }
}
