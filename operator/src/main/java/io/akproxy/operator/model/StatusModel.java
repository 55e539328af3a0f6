package io.akproxy.operator.model;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxyStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The next status of a resource, from what the operator concluded and what the cluster shows. Pure.
 * Where an input is bad, status keeps reporting what the proxy still serves (the previous config
 * hash, certificate and upstream), since the children were left as they were.
 */
public final class StatusModel {

  private StatusModel() {}

  /** Reasons of errors that will not fix themselves: they set kstatus' {@code Stalled}. */
  static final Set<Reason> STALLING =
      EnumSet.of(
          Reason.INVALID_SPEC,
          Reason.SECRET_WRONG_TYPE,
          Reason.CERTIFICATE_INVALID,
          Reason.KEY_INVALID,
          Reason.KEY_MISMATCH,
          Reason.CERTIFICATE_EXPIRED,
          Reason.CA_SECRET_INVALID,
          Reason.ROLLOUT_STUCK,
          Reason.RELOAD_FAILED,
          Reason.APPLY_FAILED);

  public static AuthentikProxyStatus next(
      AuthentikProxy proxy, Assessment assessment, Observed observed, Instant now) {
    Optional<Deployment> deployment = observed.deployment();
    Optional<Service> service = observed.service();
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
    status.hosts = proxy.getSpec().hosts == null ? null : String.join(",", proxy.getSpec().hosts);

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

    List<Condition> old = previous.conditions == null ? List.of() : previous.conditions;
    Verdict available =
        available(proxy, deployment, assessment.children().isPresent(), observed.pods());
    Propagation.Outcome propagation =
        Propagation.of(
            status.configHash,
            status.certificate == null ? null : status.certificate.serial,
            desired,
            observed.pods(),
            falseSince(old, ConditionType.CONFIG_APPLIED, now));
    status.pods = propagation.pods();

    Map<ConditionType, Verdict> verdicts = new LinkedHashMap<>();
    verdicts.put(ConditionType.ACCEPTED, assessment.accepted());
    verdicts.put(ConditionType.TLS_READY, assessment.tls().verdict());
    verdicts.put(ConditionType.UPSTREAM_RESOLVED, assessment.upstream().verdict());
    verdicts.put(ConditionType.AVAILABLE, available);
    verdicts.put(ConditionType.CONFIG_APPLIED, propagation.configApplied());
    status.conditions = conditions(verdicts, generation, old, now);
    return status;
  }

  /**
   * The status after an apply the API server refused: what was last reported stays, but Ready is
   * False with reason ApplyFailed and the API server's message, and Stalled says the user must act
   * (retries continue with backoff).
   */
  public static AuthentikProxyStatus refused(AuthentikProxy proxy, String message, Instant now) {
    AuthentikProxyStatus previous =
        Objects.requireNonNullElseGet(proxy.getStatus(), AuthentikProxyStatus::new);
    Long generation = proxy.getMetadata().getGeneration();
    List<Condition> old = previous.conditions == null ? List.of() : previous.conditions;
    Verdict refusal = Verdict.fails(Reason.APPLY_FAILED, message);
    AuthentikProxyStatus status = previous.copy();
    status.observedGeneration = generation;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(ConditionType.READY, refusal, generation, old, now));
    for (Condition condition : old) {
      String type = condition.getType();
      if (!type.equals(ConditionType.READY.value())
          && !type.equals(ConditionType.RECONCILING.value())
          && !type.equals(ConditionType.STALLED.value())) {
        conditions.add(condition);
      }
    }
    conditions.add(
        condition(
            ConditionType.RECONCILING,
            Verdict.fails(Reason.RECONCILED, "stalled: see Stalled"),
            generation,
            old,
            now));
    conditions.add(
        condition(
            ConditionType.STALLED,
            Verdict.holds(Reason.APPLY_FAILED, message),
            generation,
            old,
            now));
    status.conditions = conditions;
    return status;
  }

  /**
   * Ready, the five conditions it is made of, then kstatus' Reconciling and Stalled: Stalled for
   * the first failure that will not fix itself, otherwise Reconciling while anything is not Ready.
   */
  private static List<Condition> conditions(
      Map<ConditionType, Verdict> verdicts, Long generation, List<Condition> old, Instant now) {
    Verdict ready = ready(verdicts);
    Optional<Map.Entry<ConditionType, Verdict>> stall =
        verdicts.entrySet().stream()
            .filter(e -> !e.getValue().holds() && STALLING.contains(e.getValue().reason()))
            .findFirst();
    Verdict stalled =
        stall
            .map(
                e ->
                    Verdict.holds(
                        e.getValue().reason(), e.getKey().value() + ": " + e.getValue().message()))
            .orElse(Verdict.fails(Reason.NOT_STALLED, "no error that needs the user"));
    Verdict reconciling =
        ready.holds() || stall.isPresent()
            ? Verdict.fails(
                Reason.RECONCILED, ready.holds() ? "nothing left to do" : "stalled: see Stalled")
            : Verdict.holds(ready.reason(), ready.message());
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(ConditionType.READY, ready, generation, old, now));
    verdicts.forEach(
        (type, verdict) -> conditions.add(condition(type, verdict, generation, old, now)));
    conditions.add(condition(ConditionType.RECONCILING, reconciling, generation, old, now));
    conditions.add(condition(ConditionType.STALLED, stalled, generation, old, now));
    return conditions;
  }

  /** When {@code type} turned False (RFC 3339), or now when it is True or new. */
  private static String falseSince(List<Condition> old, ConditionType type, Instant now) {
    return old.stream()
        .filter(c -> type.value().equals(c.getType()) && "False".equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
  }

  /** The condition of {@code type} in a status, if present. */
  public static Optional<Condition> find(AuthentikProxyStatus status, ConditionType type) {
    if (status == null || status.conditions == null) {
      return Optional.empty();
    }
    return status.conditions.stream().filter(c -> type.value().equals(c.getType())).findFirst();
  }

  /**
   * Whether the rollout of the current pod template is complete: the Deployment controller saw the
   * latest generation, every desired pod runs the current template (no old pod left), and at least
   * one is available. A rollout past its progress deadline is stuck.
   */
  static Verdict available(
      AuthentikProxy proxy,
      Optional<Deployment> deployment,
      boolean childrenApplied,
      List<PodView> pods) {
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
      return Verdict.holds(
          Reason.SCALED_TO_ZERO, "spec.replicas is 0: no proxy pod runs, as asked");
    }
    DeploymentStatus status =
        Objects.requireNonNullElseGet(deployment.get().getStatus(), DeploymentStatus::new);
    Long generation = deployment.get().getMetadata().getGeneration();
    Long observed = status.getObservedGeneration();
    if (observed == null || (generation != null && observed < generation)) {
      return Verdict.fails(
          Reason.ROLLOUT_IN_PROGRESS,
          "the Deployment controller has not yet seen the latest change of Deployment " + name);
    }
    String problems = problems(pods);
    Optional<DeploymentCondition> progressing =
        status.getConditions().stream().filter(c -> "Progressing".equals(c.getType())).findFirst();
    if (progressing.filter(c -> "ProgressDeadlineExceeded".equals(c.getReason())).isPresent()) {
      return Verdict.fails(
          Reason.ROLLOUT_STUCK,
          "the rollout of Deployment "
              + name
              + " made no progress within its deadline: "
              + progressing.get().getMessage()
              + problems);
    }
    int updated = count(status.getUpdatedReplicas());
    int running = count(status.getReplicas());
    int available = count(status.getAvailableReplicas());
    if (updated < desired || running > updated) {
      return Verdict.fails(
          Reason.ROLLOUT_IN_PROGRESS,
          updated
              + " of "
              + desired
              + " proxy pods run the current pod template"
              + (running > updated ? ", " + (running - updated) + " old ones still run" : "")
              + problems);
    }
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
            + " and the pods' events"
            + problems);
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }

  /** What the pods' containers are stuck on, as a message suffix, or "". */
  private static String problems(List<PodView> pods) {
    List<String> found = new ArrayList<>();
    for (PodView pod : pods) {
      for (String problem : pod.problems()) {
        if (found.size() < 3) {
          found.add("pod " + pod.name() + ": " + problem);
        }
      }
    }
    return found.isEmpty() ? "" : "; " + String.join("; ", found);
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

  /** The first condition that fails, or Ready (ScaledToZero when no pod is asked for). */
  private static Verdict ready(Map<ConditionType, Verdict> verdicts) {
    for (Map.Entry<ConditionType, Verdict> entry : verdicts.entrySet()) {
      Verdict verdict = entry.getValue();
      if (!verdict.holds()) {
        return Verdict.fails(verdict.reason(), entry.getKey().value() + ": " + verdict.message());
      }
    }
    if (verdicts.get(ConditionType.AVAILABLE).reason() == Reason.SCALED_TO_ZERO) {
      return Verdict.holds(
          Reason.SCALED_TO_ZERO, "spec.replicas is 0: the proxy is configured and runs no pod");
    }
    return Verdict.holds(
        Reason.READY,
        "every Ready proxy pod serves the current specification, configuration and certificate");
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
