package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.akproxy.operator.AkproxyOperator;
import io.akproxy.operator.MockCluster;
import io.akproxy.operator.OperatorSettings;
import io.akproxy.operator.TestCertificates;
import io.akproxy.operator.TestCertificates.Issued;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.Names;
import io.akproxy.operator.model.StatusModel;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * One operator on a fresh mock API server per test, and what tests do to them. Tests share nothing,
 * so they run side by side.
 */
@Execution(ExecutionMode.CONCURRENT)
abstract class OperatorTestBase {

  static final String NS = "authentik";
  static final String NAME = "sso";
  static final String CHILD = Names.child(NAME);
  static final Duration WAIT = Duration.ofSeconds(20);

  MockCluster cluster;
  KubernetesClient kube;
  AkproxyOperator operator;
  final ReconcileCounter reconciles = new ReconcileCounter();
  Issued certificate;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    cluster.onOperatorRequests(reconciles);
    kube = cluster.testClient;
    operator =
        new AkproxyOperator(
            cluster.operatorClient,
            OperatorSettings.forNamespaces(NS),
            Clock.systemUTC(),
            reconciles);
    operator.start();
    certificate = TestCertificates.issue(List.of("sso.example.com"), Duration.ofDays(90));
  }

  @AfterEach
  void stop() {
    operator.stop();
    cluster.close();
  }

  void createSecretServiceAndProxy() {
    kube.resource(TestCertificates.tlsSecret(NS, TestResources.TLS_SECRET, certificate)).create();
    kube.resource(TestResources.authentikService(NS)).create();
    kube.resource(TestResources.proxy(NS, NAME)).create();
  }

  void awaitReady() {
    awaitChild(Deployment.class);
    markAvailable(2);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(condition(get(), ConditionType.READY).getStatus()).isEqualTo("True"));
  }

  /** Plays the Deployment controller: the pods are up. */
  void markAvailable(int replicas) {
    retrying(() -> setAvailable(replicas));
  }

  void setAvailable(int replicas) {
    Deployment deployment = awaitChild(Deployment.class);
    deployment.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(replicas)
            .withReadyReplicas(replicas)
            .withAvailableReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withObservedGeneration(deployment.getMetadata().getGeneration())
            .build());
    kube.resource(deployment).updateStatus();
  }

  /**
   * Plays a real API server: adds the defaults it would store on each child. The model never sets
   * these, so a naive comparison would rewrite every child on every reconcile.
   */
  void simulateApiServerDefaults() {
    kube.apps()
        .deployments()
        .inNamespace(NS)
        .withName(CHILD)
        .edit(
            d -> {
              d.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "1");
              d.getSpec().setProgressDeadlineSeconds(600);
              d.getSpec().setRevisionHistoryLimit(10);
              var pod = d.getSpec().getTemplate().getSpec();
              pod.setDnsPolicy("ClusterFirst");
              pod.setRestartPolicy("Always");
              pod.setSchedulerName("default-scheduler");
              pod.getVolumes()
                  .forEach(
                      v -> {
                        if (v.getConfigMap() != null) {
                          v.getConfigMap().setDefaultMode(420);
                        }
                      });
              Container container = pod.getContainers().get(0);
              container.setImagePullPolicy("IfNotPresent");
              container.setTerminationMessagePath("/dev/termination-log");
              container.setTerminationMessagePolicy("File");
              // timeoutSeconds 1 equals the value of successThreshold: zjsonpatch's default diff
              // would report a "copy" here.
              for (var probe :
                  List.of(
                      container.getLivenessProbe(),
                      container.getReadinessProbe(),
                      container.getStartupProbe())) {
                probe.setTimeoutSeconds(1);
                probe.setSuccessThreshold(1);
                probe.getHttpGet().setScheme("HTTP");
              }
              // Quantities come back canonical: "192Mi" is stored as is, cpu "100m" too, but a
              // "0.1" would come back as "100m"; rewrite to an equal value in another spelling.
              container
                  .getResources()
                  .getRequests()
                  .put("cpu", new io.fabric8.kubernetes.api.model.Quantity("0.1"));
              return d;
            });
    kube.services()
        .inNamespace(NS)
        .withName(CHILD)
        .edit(
            s -> {
              s.getSpec().setClusterIP("10.96.0.42");
              s.getSpec().setClusterIPs(List.of("10.96.0.42"));
              s.getSpec().setSessionAffinity("None");
              s.getSpec().setIpFamilies(List.of("IPv4"));
              s.getSpec().setIpFamilyPolicy("SingleStack");
              s.getSpec().setInternalTrafficPolicy("Cluster");
              return s;
            });
    kube.serviceAccounts()
        .inNamespace(NS)
        .withName(CHILD)
        .edit(
            sa -> {
              sa.getMetadata().getAnnotations().put("kubectl.kubernetes.io/last-applied", "{}");
              return sa;
            });
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
    reconciles.awaitQuiet();
    return cluster.operatorWrites();
  }

  /**
   * Forgets the writes so far, once the operator has been quiet (see {@link
   * #nudgeAndCollectWrites}).
   */
  void drainWrites() {
    reconciles.awaitQuiet();
    cluster.operatorWrites();
  }

  static List<String> childWrites(List<String> writes) {
    return writes.stream().filter(w -> w.contains("/" + CHILD)).toList();
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
  void editProxy(java.util.function.Consumer<AuthentikProxy> change) {
    await()
        .atMost(WAIT)
        .ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () ->
                kube.resources(AuthentikProxy.class)
                        .inNamespace(NS)
                        .withName(NAME)
                        .edit(
                            p -> {
                              change.accept(p);
                              return p;
                            })
                    != null);
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

  <T extends HasMetadata> T awaitChild(Class<T> type) {
    return await()
        .atMost(WAIT)
        .until(() -> kube.resources(type).inNamespace(NS).withName(CHILD).get(), c -> c != null);
  }

  static Condition condition(AuthentikProxy proxy, ConditionType type) {
    Optional<Condition> condition = StatusModel.find(proxy.getStatus(), type);
    assertThat(condition).as("condition %s in %s", type.value(), proxy.getStatus()).isPresent();
    return condition.get();
  }

  List<String> eventReasons() {
    return kube.v1().events().inNamespace(NS).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }
}
