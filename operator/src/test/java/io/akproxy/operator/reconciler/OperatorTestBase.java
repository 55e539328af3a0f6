package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.Conditions;
import io.akproxy.operator.FakeRuntimeKubelet;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.Simulation;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.Names;
import io.akproxy.testkit.kube.RecordedRequest;
import io.akproxy.testkit.kube.SimulatedCluster;
import io.akproxy.testkit.pki.Issued;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * One operator on a fresh simulated API server per test (testkit-kube: it stores children as a real
 * one does, and its Deployment controller brings the pods up and writes status), and what tests do
 * to them. Tests share nothing, so they run side by side.
 */
@Execution(ExecutionMode.CONCURRENT)
abstract class OperatorTestBase {

  static final String NS = "authentik";
  static final String NAME = "sso";
  static final String CHILD = Names.child(NAME);
  static final Duration WAIT = Duration.ofSeconds(20);

  SimulatedCluster cluster;
  final FakeRuntimeKubelet kubelet = new FakeRuntimeKubelet();
  KubernetesClient kube;
  AkproxyOperator operator;
  final ReconcileCounter reconciles = new ReconcileCounter();
  Issued certificate;

  @BeforeEach
  void start() {
    cluster = Simulation.start(clusterBuilder(), kubelet, NS);
    reconciles.watchRequests(cluster.requests(), Simulation.OPERATOR_AGENT);
    kube = cluster.client();
    operator =
        new AkproxyOperator(
            Simulation.operatorClient(cluster),
            OperatorSettings.forNamespaces(NS),
            Clock.systemUTC(),
            reconciles);
    operator.start();
    certificate = TestResources.ssoCertificate();
  }

  /** The simulated API server's settings: a test class may set a clock, ... */
  SimulatedCluster.Builder clusterBuilder() {
    return SimulatedCluster.builder();
  }

  @AfterEach
  void stop() {
    operator.stop();
    kubelet.close();
    cluster.close();
  }

  void createSecretServiceAndProxy() {
    kube.resource(TestResources.tlsSecret(NS, TestResources.TLS_SECRET, certificate)).create();
    kube.resource(TestResources.authentikService(NS)).create();
    kube.resource(TestResources.proxy(NS, NAME)).create();
  }

  /**
   * Waits until Ready with every pod of the Deployment ready: the simulated Deployment controller
   * and kubelet bring the pods up. Ready alone holds once one pod serves; the other pod's start
   * would then write status after a test began to count writes or took a snapshot.
   */
  void awaitReady() {
    awaitChild(Deployment.class);
    awaitStatus(
        proxy -> {
          assertCondition(proxy, ConditionType.READY, "True", "Ready");
          assertThat(proxy.getStatus().readyReplicas)
              .as("ready pods")
              .isEqualTo(child(Deployment.class).getSpec().getReplicas());
        });
  }

  /** Waits until the resource as the API server has it passes {@code check}. */
  void awaitStatus(Consumer<AuthentikProxy> check) {
    await().atMost(WAIT).untilAsserted(() -> check.accept(get()));
  }

  /** Waits until the resource's {@code type} condition has this status and reason; returns it. */
  Condition awaitCondition(ConditionType type, String status, String reason) {
    AtomicReference<Condition> reached = new AtomicReference<>();
    await()
        .atMost(WAIT)
        .untilAsserted(() -> reached.set(assertCondition(get(), type, status, reason)));
    return reached.get();
  }

  /**
   * Triggers a reconcile through an unrelated Secret change and returns the operator's writes, once
   * it has been quiet for a while: a write sent by a reconcile that the first one queued is counted
   * too.
   */
  List<String> nudgeAndCollectWrites() {
    int before = reconciles.started();
    kube.secrets()
        .inNamespace(NS)
        .withName(TestResources.TLS_SECRET)
        .edit(
            s -> {
              s.getMetadata().getLabels().put("nudge", String.valueOf(before));
              return s;
            });
    await().atMost(WAIT).until(() -> reconciles.started() > before);
    return operatorWrites();
  }

  /**
   * The operator's writes since the last call, read once it has been quiet (see {@link
   * #nudgeAndCollectWrites}).
   */
  List<String> operatorWrites() {
    reconciles.awaitQuiet();
    return cluster
        .requests()
        .writesWhenQuiet(Simulation.OPERATOR_AGENT, ReconcileCounter.QUIET, WAIT)
        .stream()
        .map(RecordedRequest::toString)
        .toList();
  }

  /** Forgets the writes so far, once the operator has been quiet. */
  void drainWrites() {
    operatorWrites();
  }

  static List<String> childWrites(List<String> writes) {
    return writes.stream().filter(w -> w.contains("/" + CHILD)).toList();
  }

  /** Changes a child as another controller or a person would, retrying after a lost race. */
  <T extends HasMetadata> void editChild(Class<T> type, Consumer<T> change) {
    retrying(
        () ->
            kube.resources(type)
                .inNamespace(NS)
                .withName(CHILD)
                .edit(
                    child -> {
                      change.accept(child);
                      return child;
                    }));
  }

  /** Runs a test write again when it lost a race with one of the operator's writes (409). */
  static void retrying(Runnable write) {
    await()
        .atMost(WAIT)
        .ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () -> {
              write.run();
              return true;
            });
  }

  /** Edits the spec like a user would, retrying when the operator's status write came first. */
  void editProxy(Consumer<AuthentikProxy> change) {
    TestResources.editProxy(kube, NS, NAME, change);
  }

  /** The resource's status, failing (so an await retries) while there is none yet. */
  io.akproxy.operator.api.AuthentikProxyStatus status() {
    AuthentikProxy proxy = get();
    assertThat(proxy.getStatus()).as("status of %s", NAME).isNotNull();
    return proxy.getStatus();
  }

  AuthentikProxy get() {
    return kube.resources(AuthentikProxy.class).inNamespace(NS).withName(NAME).get();
  }

  /** The child of this kind as the API server has it, or null. */
  <T extends HasMetadata> T child(Class<T> type) {
    return kube.resources(type).inNamespace(NS).withName(CHILD).get();
  }

  <T extends HasMetadata> T awaitChild(Class<T> type) {
    return await().atMost(WAIT).until(() -> child(type), c -> c != null);
  }

  static Condition condition(AuthentikProxy proxy, ConditionType type) {
    return Conditions.condition(proxy.getStatus(), type);
  }

  /** The resource's {@code type} condition, asserting its status and reason. */
  static Condition assertCondition(
      AuthentikProxy proxy, ConditionType type, String status, String reason) {
    return Conditions.assertCondition(proxy.getStatus(), type, status, reason);
  }

  List<String> eventReasons() {
    return kube.v1().events().inNamespace(NS).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }
}
