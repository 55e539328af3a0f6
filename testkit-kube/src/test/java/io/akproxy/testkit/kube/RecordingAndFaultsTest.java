package io.akproxy.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests counted per client, the quiet-period read, injected faults, leases and reviews. */
class RecordingAndFaultsTest extends ClusterTestBase {

  static final String OPERATOR = "akproxy-operator";

  void create(KubernetesClient client, String name) {
    client
        .resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build())
        .inNamespace(NS)
        .create();
  }

  @Test
  void writesAreCountedPerUserAgent() {
    KubernetesClient operator = cluster.newClient(OPERATOR);
    create(operator, "a");
    create(kube, "b");
    operator.configMaps().inNamespace(NS).withName("a").get();
    operator.configMaps().inNamespace(NS).withName("a").delete();

    assertThat(cluster.requests().writesBy(OPERATOR))
        .extracting(RecordedRequest::toString)
        .containsExactly(
            "POST /api/v1/namespaces/" + NS + "/configmaps",
            "DELETE /api/v1/namespaces/" + NS + "/configmaps/a");
    assertThat(cluster.requests().by(OPERATOR)).hasSize(3);
  }

  @Test
  void writesWhenQuietReturnOnlyOnceTheClientWasSilentForTheWholePeriod() throws Exception {
    KubernetesClient operator = cluster.newClient(OPERATOR);
    Duration quiet = Duration.ofMillis(700);
    cluster.requests().mark();
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; i < 5; i++) {
                create(operator, "burst-" + i);
              }
            });
    writer.start();
    create(operator, "first");

    List<RecordedRequest> writes = cluster.requests().writesWhenQuiet(OPERATOR, quiet, WAIT);
    long returnedAt = System.nanoTime();
    writer.join();

    // Whatever the scheduling, the window ends in silence and misses nothing sent before it.
    List<RecordedRequest> all = cluster.requests().writesBy(OPERATOR);
    RecordedRequest last = writes.get(writes.size() - 1);
    assertThat(returnedAt - last.arrivedNanos()).isGreaterThanOrEqualTo(quiet.toNanos());
    assertThat(all.stream().filter(r -> r.arrivedNanos() < returnedAt).toList())
        .containsExactlyElementsOf(writes);
    // The next window starts after this one.
    assertThat(cluster.requests().writesWhenQuiet(OPERATOR, Duration.ofMillis(1), WAIT))
        .doesNotContainAnyElementsOf(writes);
  }

  @Test
  void faultsFailTheNextMatchingWritesOfOtherClients() {
    KubernetesClient operator = cluster.newClient(OPERATOR);
    cluster.faults().failNext(1, "POST", "/configmaps", 500);

    create(kube, "test-client-is-spared");
    var refusal = refusal(() -> create(operator, "fails"));
    assertThat(refusal.getCode()).isEqualTo(500);
    create(operator, "then-succeeds");
    assertThat(cluster.faults().injected()).isEqualTo(1);
    assertThat(kube.configMaps().inNamespace(NS).withName("then-succeeds").get()).isNotNull();
    assertThat(kube.configMaps().inNamespace(NS).withName("fails").get()).isNull();
  }

  @Test
  void conflictsCanBeInjectedAndCarryTheirReason() {
    KubernetesClient operator = cluster.newClient(OPERATOR);
    create(operator, "c");
    cluster.faults().failNext(1, "PUT", "/configmaps/c", 409);
    var refusal =
        refusal(
            () ->
                operator
                    .configMaps()
                    .inNamespace(NS)
                    .resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("c")
                            .endMetadata()
                            .addToData("k", "v")
                            .build())
                    .update());
    assertThat(refusal.getCode()).isEqualTo(409);
    assertThat(refusal.getStatus().getReason()).isEqualTo("Conflict");
  }

  @Test
  void leaderElectionCanAskAndHoldALease() {
    var review =
        kube.authorization()
            .v1()
            .selfSubjectRulesReview()
            .create(
                new SelfSubjectRulesReviewBuilder()
                    .withNewSpec()
                    .withNamespace(NS)
                    .endSpec()
                    .build());
    assertThat(review.getStatus().getResourceRules())
        .anySatisfy(
            rule -> {
              assertThat(rule.getApiGroups()).contains("coordination.k8s.io");
              assertThat(rule.getResources()).contains("leases");
              assertThat(rule.getVerbs()).contains("get", "create", "update");
            });

    var lease =
        kube.leases()
            .inNamespace(NS)
            .resource(
                new LeaseBuilder()
                    .withNewMetadata()
                    .withName("akproxy-operator")
                    .endMetadata()
                    .withNewSpec()
                    .withHolderIdentity("one")
                    .withLeaseDurationSeconds(15)
                    .withLeaseTransitions(0)
                    .endSpec()
                    .build())
            .create();
    assertThat(lease.getSpec().getLeaseTransitions()).isZero();
    lease.getSpec().setHolderIdentity("two");
    assertThat(kube.resource(lease).inNamespace(NS).update().getSpec().getHolderIdentity())
        .isEqualTo("two");
  }
}
