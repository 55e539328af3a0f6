package io.akproxy.operator;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;

/**
 * Wires the operator: client from kubeconfig or the pod's service account, settings from the
 * environment, Prometheus metrics, and the health/metrics port.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws IOException {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    KubernetesClient client = ApiClient.create(new ConfigBuilder());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AkproxyOperator operator =
        new AkproxyOperator(
            client,
            settings,
            Clock.systemUTC(),
            MicrometerMetrics.withoutPerResourceMetrics(registry));
    OperatorHttpServer http =
        new OperatorHttpServer(
            settings.httpPort(), operator::isLive, operator::readiness, registry::scrape);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.stop();
                  http.close();
                  client.close();
                },
                "akproxy-operator-shutdown"));
    http.start();
    operator.start();
  }
}
