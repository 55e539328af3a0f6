package io.akproxy.operator.model;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxyStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The next status of a resource, from what the operator concluded and what the cluster shows. Pure.
 * Where an input is bad, status keeps reporting what the proxy still serves (the previous config
 * hash, certificate and upstream), since the children were left as they were.
 */
public final class StatusModel {

  private StatusModel() {}

  public static AuthentikProxyStatus next(
      AuthentikProxy proxy,
      Assessment assessment,
      Optional<Deployment> deployment,
      Optional<Service> service,
      Instant now) {
    AuthentikProxyStatus previous =
        Objects.requireNonNullElseGet(proxy.getStatus(), AuthentikProxyStatus::new);
    Long generation = proxy.getMetadata().getGeneration();
    AuthentikProxyStatus status = new AuthentikProxyStatus();
    status.observedGeneration = generation;

    status.configHash = assessment.config().map(c -> c.hash()).orElse(previous.configHash);
    // Applied children say whether there is an autoscaler; otherwise the last one stands.
    status.autoscaler =
        assessment.children().isPresent()
            ? assessment
                .children()
                .get()
                .autoscaler()
                .map(hpa -> hpa.getMetadata().getName())
                .orElse(null)
            : previous.autoscaler;
    status.networkPolicy =
        assessment.children().isPresent()
            ? assessment
                .children()
                .get()
                .networkPolicy()
                .map(policy -> policy.getMetadata().getName())
                .orElse(null)
            : previous.networkPolicy;
    status.upstream = assessment.upstream().url().orElse(previous.upstream);
    // Exactly what the pods are given: the copy changes only when the children are applied.
    status.certificate =
        assessment.children().isPresent()
            ? assessment.tls().certificate().map(CertificateInfo::toStatus).orElse(null)
            : previous.certificate;
    status.url = url(proxy);

    int desired = desiredReplicas(proxy, deployment);
    int ready =
        deployment
            .map(Deployment::getStatus)
            .map(s -> Objects.requireNonNullElse(s.getReadyReplicas(), 0))
            .orElse(0);
    status.replicas = desired;
    status.readyReplicas = ready;
    status.replicaSummary = ready + "/" + desired;
    status.loadBalancerAddresses = loadBalancerAddresses(service);

    Verdict available = available(proxy, deployment, assessment.children().isPresent());
    List<Condition> conditions = new ArrayList<>();
    Verdict ready_ = ready(assessment, available);
    List<Condition> old = previous.conditions == null ? List.of() : previous.conditions;
    conditions.add(condition(ConditionType.READY, ready_, generation, old, now));
    conditions.add(condition(ConditionType.ACCEPTED, assessment.accepted(), generation, old, now));
    conditions.add(
        condition(ConditionType.TLS_READY, assessment.tls().verdict(), generation, old, now));
    conditions.add(
        condition(
            ConditionType.UPSTREAM_RESOLVED,
            assessment.upstream().verdict(),
            generation,
            old,
            now));
    conditions.add(condition(ConditionType.AVAILABLE, available, generation, old, now));
    status.conditions = conditions;
    return status;
  }

  /** The condition of {@code type} in a status, if present. */
  public static Optional<Condition> find(AuthentikProxyStatus status, ConditionType type) {
    if (status == null || status.conditions == null) {
      return Optional.empty();
    }
    return status.conditions.stream().filter(c -> type.value().equals(c.getType())).findFirst();
  }

  static Verdict available(
      AuthentikProxy proxy, Optional<Deployment> deployment, boolean childrenApplied) {
    String name = Names.child(proxy);
    if (deployment.isEmpty()) {
      return Verdict.fails(
          Reason.DEPLOYMENT_PENDING,
          childrenApplied
              ? "Deployment " + name + " is being created"
              : "Deployment " + name + " is not created until the conditions above hold");
    }
    int desired = desiredReplicas(proxy, deployment);
    if (desired == 0 && SpecDefaults.autoscaling(proxy).isEmpty()) {
      return Verdict.fails(Reason.SCALED_TO_ZERO, "spec.replicas is 0: no proxy pod runs");
    }
    int available =
        deployment.get().getStatus() == null
                || deployment.get().getStatus().getAvailableReplicas() == null
            ? 0
            : deployment.get().getStatus().getAvailableReplicas();
    if (available >= 1) {
      return Verdict.holds(
          Reason.MINIMUM_REPLICAS_AVAILABLE,
          available + " of " + desired + " proxy pods available");
    }
    return Verdict.fails(
        Reason.REPLICAS_UNAVAILABLE,
        "0 of "
            + desired
            + " proxy pods available; see kubectl describe deployment "
            + name
            + " and the pods' events");
  }

  /** spec.replicas, or with an autoscaler the count it set on the Deployment. */
  static int desiredReplicas(AuthentikProxy proxy, Optional<Deployment> deployment) {
    if (SpecDefaults.autoscaling(proxy).isEmpty()) {
      return SpecDefaults.replicas(proxy);
    }
    return deployment
        .map(d -> d.getSpec() == null ? null : d.getSpec().getReplicas())
        .orElse(SpecDefaults.minimumReplicas(proxy));
  }

  private static Verdict ready(Assessment assessment, Verdict available) {
    List<Object[]> inOrder =
        List.of(
            new Object[] {ConditionType.ACCEPTED, assessment.accepted()},
            new Object[] {ConditionType.TLS_READY, assessment.tls().verdict()},
            new Object[] {ConditionType.UPSTREAM_RESOLVED, assessment.upstream().verdict()},
            new Object[] {ConditionType.AVAILABLE, available});
    for (Object[] entry : inOrder) {
      Verdict verdict = (Verdict) entry[1];
      if (!verdict.holds()) {
        return Verdict.fails(
            verdict.reason(), ((ConditionType) entry[0]).value() + ": " + verdict.message());
      }
    }
    return Verdict.holds(Reason.READY, "the proxy serves the current specification");
  }

  /** A condition, keeping the previous lastTransitionTime while its status is unchanged. */
  static Condition condition(
      ConditionType type, Verdict verdict, Long generation, List<Condition> old, Instant now) {
    String status = verdict.holds() ? "True" : "False";
    String since =
        old.stream()
            .filter(c -> type.value().equals(c.getType()) && status.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    Condition condition = new Condition();
    condition.setType(type.value());
    condition.setStatus(status);
    condition.setReason(verdict.reason().value());
    condition.setMessage(verdict.message());
    condition.setObservedGeneration(generation);
    condition.setLastTransitionTime(since);
    return condition;
  }

  private static String url(AuthentikProxy proxy) {
    Optional<String> host =
        SpecDefaults.hosts(proxy).stream().filter(h -> !h.startsWith("*.")).findFirst();
    if (host.isEmpty()) {
      return null;
    }
    int port = SpecDefaults.serviceHttpsPort(proxy);
    return "https://" + host.get() + (port == 443 ? "" : ":" + port) + SpecDefaults.path(proxy);
  }

  private static List<String> loadBalancerAddresses(Optional<Service> service) {
    List<String> addresses = new ArrayList<>();
    service
        .map(Service::getStatus)
        .map(s -> s.getLoadBalancer())
        .map(lb -> lb.getIngress())
        .ifPresent(
            ingress -> {
              for (LoadBalancerIngress entry : ingress) {
                if (entry.getIp() != null) {
                  addresses.add(entry.getIp());
                } else if (entry.getHostname() != null) {
                  addresses.add(entry.getHostname());
                }
              }
            });
    return addresses.isEmpty() ? null : addresses;
  }
}
