package io.akproxy.operator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the operator runs, from its environment. Every variable is optional.
 *
 * <ul>
 *   <li>{@code AKPROXY_WATCH_NAMESPACES}: comma-separated namespaces to watch; empty (default): the
 *       operator's own namespace; {@code *}: every namespace (needs the cluster-wide RBAC overlay).
 *   <li>{@code AKPROXY_NAMESPACE}: the operator's own namespace (set it from the downward API);
 *       default: the client's namespace (in a pod: the service account's).
 *   <li>{@code AKPROXY_RUNTIME_IMAGE}: the proxy image for resources that name none; default:
 *       derived from {@code AKPROXY_OPERATOR_IMAGE} (the operator's own image, which deploy/ fills
 *       in from the Deployment, so one {@code kustomize edit set image} moves both): the same
 *       registry, repository path and tag, with the last path segment's {@code operator} replaced
 *       by {@code proxy-runtime}; without either, {@value #DEFAULT_RUNTIME_IMAGE}.
 *   <li>{@code AKPROXY_LEADER_ELECTION}: {@code true} (default) or {@code false}; with it on, only
 *       the holder of the Lease {@code AKPROXY_LEASE_NAME} (default {@value #DEFAULT_LEASE_NAME})
 *       in the own namespace reconciles.
 *   <li>{@code AKPROXY_CLUSTER_DOMAIN}: the cluster's DNS domain for upstream Services; default
 *       {@value #DEFAULT_CLUSTER_DOMAIN}.
 *   <li>{@code AKPROXY_LEASE_DURATION_SECONDS}: how long a lease outlives a silent leader; default
 *       15 (renewed every 2/3 of it, retried every 1/7). {@code AKPROXY_POD_NAME} (from the
 *       downward API) names this instance in the Lease; default: the host name.
 *   <li>{@code AKPROXY_CACHE_SYNC_TIMEOUT_SECONDS}: how long start-up waits for the first list of
 *       every watched resource before it reports the ones it cannot list on {@code /readyz}
 *       (typically a missing permission) and keeps retrying them; default 120.
 *   <li>{@code AKPROXY_HTTP_PORT}: the port of {@code /healthz}, {@code /readyz} and {@code
 *       /metrics} (Prometheus); default {@value #DEFAULT_HTTP_PORT}; 0 picks a free one.
 * </ul>
 *
 * @param watchNamespaces namespaces to watch; empty: the own namespace; {@link #ALL_NAMESPACES}:
 *     every namespace
 * @param ownNamespace the operator's namespace, or null to take the client's
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    String ownNamespace,
    String runtimeImage,
    boolean leaderElection,
    String leaseName,
    String clusterDomain,
    int httpPort,
    Duration leaseDuration,
    String leaseIdentity,
    boolean exitOnLostLease,
    Duration cacheSyncTimeout) {

  public static final String ALL_NAMESPACES = "*";
  public static final String DEFAULT_RUNTIME_IMAGE = "ghcr.io/akproxy/proxy-runtime:0.1.0";
  public static final String DEFAULT_LEASE_NAME = "akproxy-operator";
  public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
  public static final Duration DEFAULT_CACHE_SYNC_TIMEOUT = Duration.ofMinutes(2);

  public OperatorSettings {
    watchNamespaces = Set.copyOf(watchNamespaces);
    Objects.requireNonNull(runtimeImage, "runtimeImage");
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(clusterDomain, "clusterDomain");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(cacheSyncTimeout, "cacheSyncTimeout");
    if (watchNamespaces.contains(ALL_NAMESPACES) && watchNamespaces.size() > 1) {
      throw new IllegalArgumentException(
          "AKPROXY_WATCH_NAMESPACES: * (all namespaces) cannot be combined with names");
    }
  }

  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    Set<String> namespaces = new TreeSet<>();
    Arrays.stream(env.getOrDefault("AKPROXY_WATCH_NAMESPACES", "").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(namespaces::add);
    return new OperatorSettings(
        namespaces,
        blankToNull(env.get("AKPROXY_NAMESPACE")),
        runtimeImage(env),
        bool(env, "AKPROXY_LEADER_ELECTION", true),
        orDefault(env.get("AKPROXY_LEASE_NAME"), DEFAULT_LEASE_NAME),
        orDefault(env.get("AKPROXY_CLUSTER_DOMAIN"), DEFAULT_CLUSTER_DOMAIN),
        port(env, "AKPROXY_HTTP_PORT", DEFAULT_HTTP_PORT),
        Duration.ofSeconds(
            seconds(env, "AKPROXY_LEASE_DURATION_SECONDS", DEFAULT_LEASE_DURATION.toSeconds())),
        blankToNull(env.get("AKPROXY_POD_NAME")),
        // A leader that lost its lease exits, so it can never reconcile beside the new one.
        true,
        Duration.ofSeconds(
            seconds(
                env,
                "AKPROXY_CACHE_SYNC_TIMEOUT_SECONDS",
                DEFAULT_CACHE_SYNC_TIMEOUT.toSeconds())));
  }

  /** Settings for tests and the demo: these namespaces, no leader election, default image. */
  public static OperatorSettings forNamespaces(String... namespaces) {
    return new OperatorSettings(
        Set.of(namespaces),
        namespaces.length > 0 ? namespaces[0] : null,
        DEFAULT_RUNTIME_IMAGE,
        false,
        DEFAULT_LEASE_NAME,
        DEFAULT_CLUSTER_DOMAIN,
        0,
        DEFAULT_LEASE_DURATION,
        null,
        false,
        DEFAULT_CACHE_SYNC_TIMEOUT);
  }

  public boolean watchesAllNamespaces() {
    return watchNamespaces.contains(ALL_NAMESPACES);
  }

  /** The operator's namespace: the configured one, else the client's. */
  public String ownNamespace(String clientNamespace) {
    return ownNamespace != null ? ownNamespace : clientNamespace;
  }

  /** The namespaces to watch, with the own namespace filled in when none are named. */
  public Set<String> namespacesToWatch(String clientNamespace) {
    if (!watchNamespaces.isEmpty()) {
      return watchNamespaces;
    }
    return Set.of(
        Objects.requireNonNull(
            ownNamespace(clientNamespace),
            "no namespace to watch: set AKPROXY_WATCH_NAMESPACES or AKPROXY_NAMESPACE"));
  }

  public OperatorSettings withRuntimeImage(String image) {
    return new OperatorSettings(
        watchNamespaces,
        ownNamespace,
        image,
        leaderElection,
        leaseName,
        clusterDomain,
        httpPort,
        leaseDuration,
        leaseIdentity,
        exitOnLostLease,
        cacheSyncTimeout);
  }

  public OperatorSettings withLeaderElection(boolean enabled) {
    return new OperatorSettings(
        watchNamespaces,
        ownNamespace,
        runtimeImage,
        enabled,
        leaseName,
        clusterDomain,
        httpPort,
        leaseDuration,
        leaseIdentity,
        exitOnLostLease,
        cacheSyncTimeout);
  }

  /**
   * Leader election with this instance's identity and lease duration, staying alive when the lease
   * is lost (for several instances in one process: tests and the demo).
   */
  public OperatorSettings withLeaderElection(String identity, Duration duration) {
    return new OperatorSettings(
        watchNamespaces,
        ownNamespace,
        runtimeImage,
        true,
        leaseName,
        clusterDomain,
        httpPort,
        duration,
        identity,
        false,
        cacheSyncTimeout);
  }

  /**
   * How long start-up waits for the informers' first lists; after it, an informer that cannot list
   * yet is reported on {@code /readyz} and keeps retrying in the background.
   */
  public OperatorSettings withCacheSyncTimeout(Duration timeout) {
    return new OperatorSettings(
        watchNamespaces,
        ownNamespace,
        runtimeImage,
        leaderElection,
        leaseName,
        clusterDomain,
        httpPort,
        leaseDuration,
        leaseIdentity,
        exitOnLostLease,
        timeout);
  }

  private static String runtimeImage(Map<String, String> env) {
    String given = blankToNull(env.get("AKPROXY_RUNTIME_IMAGE"));
    if (given != null) {
      return given;
    }
    String operator = blankToNull(env.get("AKPROXY_OPERATOR_IMAGE"));
    return operator == null ? DEFAULT_RUNTIME_IMAGE : runtimeImageBeside(operator);
  }

  /**
   * The runtime image published beside the operator's: {@code registry/path/operator:tag} gives
   * {@code registry/path/proxy-runtime:tag}. A digest names one image only, so it cannot be carried
   * over: the runtime image must then be given.
   */
  static String runtimeImageBeside(String operatorImage) {
    if (operatorImage.contains("@")) {
      throw new IllegalArgumentException(
          "AKPROXY_OPERATOR_IMAGE \""
              + operatorImage
              + "\" is pinned by digest; set AKPROXY_RUNTIME_IMAGE to the proxy runtime's image");
    }
    int slash = operatorImage.lastIndexOf('/');
    int colon = operatorImage.lastIndexOf(':');
    String repository = colon > slash ? operatorImage.substring(0, colon) : operatorImage;
    String tag = colon > slash ? operatorImage.substring(colon) : "";
    if (!repository.endsWith("operator")) {
      throw new IllegalArgumentException(
          "AKPROXY_OPERATOR_IMAGE \""
              + operatorImage
              + "\" does not end in .../operator[:tag]; set AKPROXY_RUNTIME_IMAGE to the proxy"
              + " runtime's image");
    }
    return repository.substring(0, repository.length() - "operator".length())
        + "proxy-runtime"
        + tag;
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String value = blankToNull(env.get(name));
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(name + ": \"" + value + "\" is not true or false");
    };
  }

  private static long seconds(Map<String, String> env, String name, long fallback) {
    String value = blankToNull(env.get(name));
    if (value == null) {
      return fallback;
    }
    try {
      long seconds = Long.parseLong(value);
      if (seconds >= 3) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + ": \"" + value + "\" is not a number of seconds >= 3");
  }

  private static int port(Map<String, String> env, String name, int fallback) {
    String value = blankToNull(env.get(name));
    if (value == null) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + ": \"" + value + "\" is not a port (0-65535)");
  }

  private static String orDefault(String value, String fallback) {
    String given = blankToNull(value);
    return given == null ? fallback : given;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
