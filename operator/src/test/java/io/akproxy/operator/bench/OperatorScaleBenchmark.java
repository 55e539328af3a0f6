package io.akproxy.operator.bench;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.ApiClient;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.Simulation;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.StatusModel;
import io.akproxy.testkit.kube.SimulatedCluster;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code make bench-operator}: many AuthentikProxy resources on testkit-kube's simulated API server
 * (paginated lists, stored defaults, a Deployment controller that brings the pods up and writes
 * status). Prints figures; asserts nothing.
 */
public final class OperatorScaleBenchmark {

  private static final String NS = "authentik";

  private OperatorScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int unrelatedSecrets = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    // As in production (Main): before the first HTTP client exists.
    ApiClient.limitIdleConnections();
    try (SimulatedCluster cluster = Simulation.start(NS)) {
      KubernetesClient kube = cluster.client();
      UnrelatedSecrets.create(kube, NS, unrelatedSecrets);
      kube.resource(TestResources.authentikService(NS)).create();
      kube.resource(
              TestResources.tlsSecret(NS, TestResources.TLS_SECRET, TestResources.ssoCertificate()))
          .create();
      ResyncCounter reconciles = new ResyncCounter();
      // The operator's own client, as in production (Main); closed after the run.
      KubernetesClient operatorClient =
          ApiClient.create(
              new ConfigBuilder(Simulation.operatorClient(cluster).getConfiguration()));
      AkproxyOperator operator =
          new AkproxyOperator(
              operatorClient, OperatorSettings.forNamespaces(NS), Clock.systemUTC(), reconciles);
      operator.start();
      long started = Simulation.lastSequence(cluster);

      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        kube.resource(TestResources.proxy(NS, "sso-" + i)).create();
      }
      while (ready(kube) < count) {
        Thread.sleep(200); // a benchmark measures elapsed time; polling is its clock
      }
      Duration untilReady = Duration.ofNanos(System.nanoTime() - start);
      List<String> requests = Simulation.operatorRequestsAfter(cluster, started);
      long writes = requests.stream().filter(OperatorScaleBenchmark::isWrite).count();

      Map<String, Long> reads =
          requests.stream()
              .filter(r -> !isWrite(r))
              .collect(
                  Collectors.groupingBy(
                      OperatorScaleBenchmark::resource, TreeMap::new, Collectors.counting()));

      // The API server, its stored objects and the JVM's own share live in this JVM too: the
      // operator's share is what stopping it (and closing its client) frees.
      awaitQuiet(reconciles);
      // Steady state: connections idle since the first lists have been closed (see Main).
      Thread.sleep(
          Duration.ofSeconds(Long.parseLong(ApiClient.IDLE_CONNECTION_SECONDS) + 2).toMillis());
      long heapRunning = heapAfterGc();
      operator.stop();
      operatorClient.close();
      // Nothing may keep the stopped operator reachable, not even this frame.
      operator = null;
      operatorClient = null;
      long heap = heapRunning - heapAfterGc();
      ResyncCounter resynced = new ResyncCounter();
      long stopped = Simulation.lastSequence(cluster);
      AkproxyOperator restarted =
          new AkproxyOperator(
              Simulation.operatorClient(cluster),
              OperatorSettings.forNamespaces(NS),
              Clock.systemUTC(),
              resynced);
      restarted.start();
      long resyncStart = System.nanoTime();
      while (resynced.finished() < count) {
        Thread.sleep(200);
      }
      Duration resyncTime = Duration.ofNanos(System.nanoTime() - resyncStart);
      long resyncWrites =
          Simulation.operatorRequestsAfter(cluster, stopped).stream()
              .filter(OperatorScaleBenchmark::isWrite)
              .count();
      awaitQuiet(resynced);
      restarted.stop();

      System.out.printf(
          "operator scale benchmark, %d AuthentikProxy resources, %d unrelated Secrets in the"
              + " watched namespace, on the simulated API server%n",
          count, unrelatedSecrets);
      System.out.printf(
          "  time until all Ready          %8.1f s%n", untilReady.toMillis() / 1000.0);
      System.out.printf(
          "  API requests per resource     %8.1f  (%d requests, %d writes)%n",
          requests.size() / (double) count, requests.size(), writes);
      System.out.printf("  reads by resource             %s%n", reads);
      System.out.printf(
          "  operator heap after GC        %8.1f MiB  (heap freed by stopping the operator)%n",
          heap / 1024.0 / 1024.0);
      System.out.printf(
          "  full no-op resync             %8.1f s, %d writes (target 0)%n",
          resyncTime.toMillis() / 1000.0, resyncWrites);
    }
    // The API server's and informers' threads would keep the JVM alive.
    System.exit(0);
  }

  private static long heapAfterGc() throws InterruptedException {
    // Two collections: the first may only queue finalizable and weakly reachable objects.
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Lets the last reconciles finish (stopping interrupts them): a second without any. */
  private static void awaitQuiet(ResyncCounter reconciles) throws InterruptedException {
    int seen;
    do {
      seen = reconciles.finished();
      Thread.sleep(1000);
    } while (reconciles.finished() != seen);
  }

  /** "GET secrets" for "GET /api/v1/namespaces/ns/secrets/name?...". */
  private static String resource(String request) {
    String[] path = request.substring(request.indexOf(' ') + 1).split("[/?]");
    int namespaces = java.util.Arrays.asList(path).indexOf("namespaces");
    String resource =
        namespaces >= 0 && path.length > namespaces + 2
            ? path[namespaces + 2]
            : path[path.length - 1];
    return request.substring(0, request.indexOf(' ')) + " " + resource;
  }

  private static boolean isWrite(String request) {
    return Set.of("POST", "PUT", "PATCH", "DELETE")
        .contains(request.substring(0, request.indexOf(' ')));
  }

  private static int ready(KubernetesClient kube) {
    return (int)
        kube.resources(AuthentikProxy.class).inNamespace(NS).list().getItems().stream()
            .filter(
                p ->
                    StatusModel.find(p.getStatus(), ConditionType.READY)
                        .map(c -> "True".equals(c.getStatus()))
                        .orElse(false))
            .count();
  }

  /** Counts finished reconciles. */
  private static final class ResyncCounter implements Metrics {
    private final java.util.concurrent.atomic.AtomicInteger finished =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void finishedReconciliation(
        io.fabric8.kubernetes.api.model.HasMetadata resource, java.util.Map<String, Object> m) {
      finished.incrementAndGet();
    }

    int finished() {
      return finished.get();
    }
  }
}
