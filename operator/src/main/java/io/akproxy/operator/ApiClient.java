package io.akproxy.operator;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The operator's Kubernetes API client, on the JDK HTTP client, set up so that it does not keep
 * response bodies reachable long after use. The JDK client keeps the exchange that opened a
 * connection reachable through the connection's connect timer for as long as the connection lives,
 * and a watch's WebSocket reuses a pooled connection: the first page of an informer's list (with
 * Helm releases among the Secrets, megabytes) would stay in memory for as long as the watch runs.
 * And every idle pooled connection keeps its last exchange until it expires.
 */
public final class ApiClient {

  /** How long an idle connection to the API server stays pooled, in seconds (JDK default 1200). */
  public static final String IDLE_CONNECTION_SECONDS = "10";

  static final String KEEP_ALIVE_PROPERTY = "jdk.httpclient.keepalive.timeout";

  private ApiClient() {}

  /**
   * Idle connections close after {@link #IDLE_CONNECTION_SECONDS}, unless the JVM was told
   * otherwise. The JDK reads the setting once: this must run before any HTTP client exists.
   */
  public static void limitIdleConnections() {
    if (System.getProperty(KEEP_ALIVE_PROPERTY) == null) {
      System.setProperty(KEEP_ALIVE_PROPERTY, IDLE_CONNECTION_SECONDS);
    }
  }

  /**
   * A client from {@code config} without a connect timer (the request timeout still bounds every
   * request, its connect included), in a JVM whose idle connections close after {@link
   * #IDLE_CONNECTION_SECONDS} ({@link #limitIdleConnections}).
   */
  public static KubernetesClient create(ConfigBuilder config) {
    limitIdleConnections();
    return new KubernetesClientBuilder()
        .withConfig(config.withConnectionTimeout(0).build())
        .build();
  }
}
