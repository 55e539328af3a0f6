package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.OperatorHttpServer;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.Simulation;
import io.akproxy.operator.TestResources;
import io.akproxy.testkit.kube.SimulatedCluster;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator's health, readiness and Prometheus metrics, as Main wires them. */
class OperatorEndpointsTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void healthReadinessAndMetricsReflectTheRunningOperator() throws Exception {
    try (SimulatedCluster cluster = Simulation.start("authentik")) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      AkproxyOperator operator =
          new AkproxyOperator(
              Simulation.operatorClient(cluster),
              OperatorSettings.forNamespaces("authentik"),
              Clock.systemUTC(),
              MicrometerMetrics.withoutPerResourceMetrics(registry));
      try (OperatorHttpServer server =
          new OperatorHttpServer(0, operator::isLive, operator::readiness, registry::scrape)) {
        server.start();
        assertThat(get(server, "/healthz").statusCode()).isEqualTo(503);
        assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);

        operator.start();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> get(server, "/readyz").statusCode() == 200);
        assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);

        cluster
            .client()
            .resource(
                TestResources.tlsSecret(
                    "authentik", TestResources.TLS_SECRET, TestResources.ssoCertificate()))
            .create();
        cluster.client().resource(TestResources.authentikService("authentik")).create();
        cluster.client().resource(TestResources.proxy("authentik", "sso")).create();
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  HttpResponse<String> metrics = get(server, "/metrics");
                  assertThat(metrics.statusCode()).isEqualTo(200);
                  assertThat(metrics.headers().firstValue("Content-Type").orElse(""))
                      .startsWith("text/plain");
                  assertThat(metrics.body()).contains("operator_sdk_reconciliations_success_total");
                });

        operator.stop();
        assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
      }
    }
  }

  private HttpResponse<String> get(OperatorHttpServer server, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
