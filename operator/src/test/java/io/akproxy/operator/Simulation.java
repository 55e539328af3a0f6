package io.akproxy.operator;

import io.akproxy.testkit.kube.RecordedRequest;
import io.akproxy.testkit.kube.SimulatedCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * The API server every operator test and the bench run against: testkit-kube's simulation of a real
 * one (omitempty, defaults, status subresources, a Deployment controller that writes status,
 * paginated lists), with the generated CRD installed (the build keeps crds/ equal to it). The
 * operator's requests are told apart by their User-Agent.
 */
public final class Simulation {

  /** The operator's User-Agent. */
  public static final String OPERATOR_AGENT = "akproxy-operator";

  /** The CRD as generated on the classpath; CrdTest keeps crds/ equal to it. */
  static final String CRD = "META-INF/fabric8/authentikproxies.akproxy.io-v1.yml";

  private Simulation() {}

  /**
   * A started simulation with the CRD and these namespaces, whose pods answer the operator's reads
   * of /status like the runtime ({@link FakeRuntimeKubelet}).
   */
  public static SimulatedCluster start(String... namespaces) {
    return start(new FakeRuntimeKubelet(), namespaces);
  }

  /** The same with a kubelet the test holds, to sync pods, refuse reloads, ... */
  public static SimulatedCluster start(FakeRuntimeKubelet kubelet, String... namespaces) {
    return start(SimulatedCluster.builder().kubelet(kubelet), kubelet, namespaces);
  }

  /** The same on a builder the test configured further (a clock, ...). */
  public static SimulatedCluster start(
      SimulatedCluster.Builder builder, FakeRuntimeKubelet kubelet, String... namespaces) {
    builder.crdResource(CRD).kubelet(kubelet);
    for (String namespace : namespaces) {
      builder.namespace(namespace);
    }
    SimulatedCluster cluster = builder.start();
    kubelet.attach(cluster.client());
    return cluster;
  }

  /** A client for an operator, its requests recorded as {@link #OPERATOR_AGENT}'s. */
  public static KubernetesClient operatorClient(SimulatedCluster cluster) {
    return cluster.newClient(OPERATOR_AGENT);
  }

  /** Every request of the operator after {@code sequence}, as "METHOD path?query". */
  public static List<String> operatorRequestsAfter(SimulatedCluster cluster, long sequence) {
    return cluster.requests().by(OPERATOR_AGENT).stream()
        .filter(r -> r.sequence() > sequence)
        .map(RecordedRequest::toString)
        .toList();
  }

  /** Every request of the operator so far, as "METHOD path?query". */
  public static List<String> operatorRequests(SimulatedCluster cluster) {
    return operatorRequestsAfter(cluster, -1);
  }

  /** The sequence number of the last request so far (of any client), or -1. */
  public static long lastSequence(SimulatedCluster cluster) {
    List<RecordedRequest> all = cluster.requests().all();
    return all.isEmpty() ? -1 : all.get(all.size() - 1).sequence();
  }
}
