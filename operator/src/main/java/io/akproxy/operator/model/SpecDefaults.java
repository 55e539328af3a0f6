package io.akproxy.operator.model;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxySpec;
import io.akproxy.operator.api.AutoscalingSpec;
import io.akproxy.operator.api.HstsSpec;
import io.akproxy.operator.api.ServiceSpec;
import io.akproxy.operator.api.ServiceType;
import io.akproxy.operator.api.ShutdownSpec;
import io.akproxy.operator.api.TlsVersion;
import io.akproxy.operator.api.UpstreamSpec;
import io.akproxy.operator.api.UpstreamTlsSpec;
import io.akproxy.operator.api.WebSocketSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The spec with its defaults filled in. The API server applies the CRD's defaults on admission;
 * this applies the same ones to objects that never went through it, so the model never sees null.
 */
public final class SpecDefaults {

  private SpecDefaults() {}

  public static List<String> hosts(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(spec(proxy).hosts, List.of());
  }

  public static boolean httpRedirect(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(spec(proxy).httpRedirect, true);
  }

  public static String path(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(spec(proxy).path, AuthentikProxySpec.DEFAULT_PATH);
  }

  public static List<String> trustedProxyCidrs(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(spec(proxy).trustedProxyCIDRs, List.of());
  }

  public static boolean proxyProtocol(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(spec(proxy).proxyProtocol, false);
  }

  public static int websocketIdleTimeoutSeconds(AuthentikProxy proxy) {
    WebSocketSpec ws = spec(proxy).websocket;
    return ws == null || ws.idleTimeoutSeconds == null
        ? WebSocketSpec.DEFAULT_IDLE_TIMEOUT_SECONDS
        : ws.idleTimeoutSeconds;
  }

  public static int websocketMaxFrameBytes(AuthentikProxy proxy) {
    WebSocketSpec ws = spec(proxy).websocket;
    return ws == null || ws.maxFrameBytes == null
        ? WebSocketSpec.DEFAULT_MAX_FRAME_BYTES
        : ws.maxFrameBytes;
  }

  public static int websocketMaxMessageBytes(AuthentikProxy proxy) {
    WebSocketSpec ws = spec(proxy).websocket;
    return ws == null || ws.maxMessageBytes == null
        ? WebSocketSpec.DEFAULT_MAX_MESSAGE_BYTES
        : ws.maxMessageBytes;
  }

  public static int shutdownDelaySeconds(AuthentikProxy proxy) {
    ShutdownSpec shutdown = spec(proxy).shutdown;
    return shutdown == null || shutdown.delaySeconds == null
        ? ShutdownSpec.DEFAULT_DELAY_SECONDS
        : shutdown.delaySeconds;
  }

  public static int replicas(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(spec(proxy).replicas, AuthentikProxySpec.DEFAULT_REPLICAS);
  }

  /** spec.autoscaling with its defaults filled in, when set. */
  public static Optional<AutoscalingSpec> autoscaling(AuthentikProxy proxy) {
    AutoscalingSpec given = spec(proxy).autoscaling;
    if (given == null) {
      return Optional.empty();
    }
    AutoscalingSpec autoscaling = new AutoscalingSpec();
    autoscaling.minReplicas =
        Objects.requireNonNullElse(given.minReplicas, AutoscalingSpec.DEFAULT_MIN_REPLICAS);
    autoscaling.maxReplicas =
        Objects.requireNonNullElse(given.maxReplicas, autoscaling.minReplicas);
    autoscaling.targetCPUUtilizationPercentage =
        Objects.requireNonNullElse(
            given.targetCPUUtilizationPercentage, AutoscalingSpec.DEFAULT_TARGET_CPU);
    return Optional.of(autoscaling);
  }

  /** The fewest pods that will run: the autoscaler's minimum, or spec.replicas. */
  public static int minimumReplicas(AuthentikProxy proxy) {
    return autoscaling(proxy).map(a -> a.minReplicas).orElseGet(() -> replicas(proxy));
  }

  public static String image(AuthentikProxy proxy, String defaultImage) {
    String image = spec(proxy).image;
    return image == null || image.isBlank() ? defaultImage : image;
  }

  public static Map<String, String> podAnnotations(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(spec(proxy).podAnnotations, Map.of());
  }

  // --- tls

  public static String tlsSecretName(AuthentikProxy proxy) {
    return spec(proxy).tls == null ? null : spec(proxy).tls.secretName;
  }

  public static String minTlsVersion(AuthentikProxy proxy) {
    TlsVersion version = spec(proxy).tls == null ? null : spec(proxy).tls.minVersion;
    return (version == null ? TlsVersion.TLS_1_3 : version).value();
  }

  public static boolean http2(AuthentikProxy proxy) {
    Boolean http2 = spec(proxy).tls == null ? null : spec(proxy).tls.http2;
    return Objects.requireNonNullElse(http2, true);
  }

  public static HstsSpec hsts(AuthentikProxy proxy) {
    HstsSpec given = spec(proxy).tls == null ? null : spec(proxy).tls.hsts;
    HstsSpec hsts = new HstsSpec();
    hsts.maxAgeSeconds =
        given == null || given.maxAgeSeconds == null
            ? HstsSpec.DEFAULT_MAX_AGE_SECONDS
            : given.maxAgeSeconds;
    hsts.includeSubDomains =
        given != null && given.includeSubDomains != null && given.includeSubDomains;
    hsts.preload = given != null && given.preload != null && given.preload;
    return hsts;
  }

  // --- upstream

  public static UpstreamSpec upstream(AuthentikProxy proxy) {
    return Objects.requireNonNullElseGet(spec(proxy).upstream, UpstreamSpec::new);
  }

  public static Optional<String> caSecretName(AuthentikProxy proxy) {
    UpstreamTlsSpec tls = upstream(proxy).tls;
    return Optional.ofNullable(tls == null ? null : tls.caSecretName);
  }

  public static boolean upstreamVerify(AuthentikProxy proxy) {
    UpstreamTlsSpec tls = upstream(proxy).tls;
    return tls != null && tls.verify != null && tls.verify;
  }

  public static String upstreamServerName(AuthentikProxy proxy) {
    UpstreamTlsSpec tls = upstream(proxy).tls;
    return tls == null ? null : tls.serverName;
  }

  public static int keepAlive(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(upstream(proxy).keepAlive, UpstreamSpec.DEFAULT_KEEP_ALIVE);
  }

  public static int connectTimeoutSeconds(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(
        upstream(proxy).connectTimeoutSeconds, UpstreamSpec.DEFAULT_CONNECT_TIMEOUT_SECONDS);
  }

  public static int responseTimeoutSeconds(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(
        upstream(proxy).responseTimeoutSeconds, UpstreamSpec.DEFAULT_RESPONSE_TIMEOUT_SECONDS);
  }

  // --- service

  public static ServiceSpec service(AuthentikProxy proxy) {
    return Objects.requireNonNullElseGet(spec(proxy).service, ServiceSpec::new);
  }

  public static ServiceType serviceType(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(service(proxy).type, ServiceType.CLUSTER_IP);
  }

  public static int serviceHttpsPort(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(service(proxy).httpsPort, ServiceSpec.DEFAULT_HTTPS_PORT);
  }

  public static int serviceHttpPort(AuthentikProxy proxy) {
    return Objects.requireNonNullElse(service(proxy).httpPort, ServiceSpec.DEFAULT_HTTP_PORT);
  }

  private static AuthentikProxySpec spec(AuthentikProxy proxy) {
    return Objects.requireNonNullElseGet(proxy.getSpec(), AuthentikProxySpec::new);
  }
}
