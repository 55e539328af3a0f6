package io.akproxy.operator.reconciler;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxyStatus;
import io.akproxy.operator.dependent.ConfigMapDependent;
import io.akproxy.operator.dependent.DeploymentDependent;
import io.akproxy.operator.dependent.DisruptionBudgetWanted;
import io.akproxy.operator.dependent.PodDisruptionBudgetDependent;
import io.akproxy.operator.dependent.ReconcileChildren;
import io.akproxy.operator.dependent.ServiceAccountDependent;
import io.akproxy.operator.dependent.ServiceDependent;
import io.akproxy.operator.dependent.TlsSecretDependent;
import io.akproxy.operator.model.Assessment;
import io.akproxy.operator.model.CertificateInfo;
import io.akproxy.operator.model.ClusterFacts;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.DesiredChildren;
import io.akproxy.operator.model.Names;
import io.akproxy.operator.model.Observed;
import io.akproxy.operator.model.PodRefresh;
import io.akproxy.operator.model.PodView;
import io.akproxy.operator.model.Reason;
import io.akproxy.operator.model.ServedState;
import io.akproxy.operator.model.SpecDefaults;
import io.akproxy.operator.model.StatusModel;
import io.akproxy.operator.model.TlsSecretInspector;
import io.akproxy.operator.model.Transition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what an AuthentikProxy refers to (TLS Secret, CA Secret, upstream Service), asks the model
 * what should exist, applies the children only when every input is good, and reports status.
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = AuthentikProxyReconciler.CONFIG_MAP, type = ConfigMapDependent.class),
      @Dependent(name = AuthentikProxyReconciler.TLS_COPY, type = TlsSecretDependent.class),
      @Dependent(
          name = AuthentikProxyReconciler.SERVICE_ACCOUNT,
          type = ServiceAccountDependent.class),
      @Dependent(
          name = AuthentikProxyReconciler.DEPLOYMENT,
          type = DeploymentDependent.class,
          dependsOn = {
            AuthentikProxyReconciler.CONFIG_MAP,
            AuthentikProxyReconciler.TLS_COPY,
            AuthentikProxyReconciler.SERVICE_ACCOUNT
          }),
      @Dependent(name = AuthentikProxyReconciler.SERVICE, type = ServiceDependent.class),
      @Dependent(
          name = AuthentikProxyReconciler.DISRUPTION_BUDGET,
          type = PodDisruptionBudgetDependent.class,
          reconcilePrecondition = DisruptionBudgetWanted.class)
    })
@ControllerConfiguration(name = AuthentikProxyReconciler.NAME)
public class AuthentikProxyReconciler implements Reconciler<AuthentikProxy> {

  public static final String NAME = "authentikproxy";
  static final String CONFIG_MAP = "configmap";
  static final String TLS_COPY = "tlscopy";
  static final String SERVICE_ACCOUNT = "serviceaccount";
  static final String DEPLOYMENT = "deployment";
  static final String SERVICE = "service";
  static final String DISRUPTION_BUDGET = "poddisruptionbudget";

  /** Event source of every Secret in the watched namespaces (TLS and CA Secrets). */
  static final String SECRETS = "referenced-secrets";

  /** Event source of every Service in the watched namespaces (the upstream Services). */
  static final String UPSTREAM_SERVICES = "upstream-services";

  /** Event source of the proxy pods (every resource's, by label). */
  static final String PODS = "proxy-pods";

  /** Events of a pod whose admin /status reading changed. */
  static final String POD_READINGS = "pod-status-readings";

  private static final String SECRET_INDEX = "akproxy-secret-refs";
  private static final String SERVICE_INDEX = "akproxy-service-refs";

  private static final Logger LOG = LoggerFactory.getLogger(AuthentikProxyReconciler.class);

  private final ReconcilerSettings settings;
  private final Clock clock;
  private final EventRecorder events;
  private final BooleanSupplier mayReconcile;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  /** Informers list in pages of this many: no single huge list of a busy namespace's Secrets. */
  static final long LIST_LIMIT = 500;

  private volatile InformerEventSource<Secret, AuthentikProxy> secrets;
  private volatile SecretStore secretStore;
  private volatile InformerEventSource<Service, AuthentikProxy> upstreamServices;
  private volatile InformerEventSource<Pod, AuthentikProxy> pods;
  private final SimpleInboundEventSource<AuthentikProxy> podReadings =
      new SimpleInboundEventSource<>(POD_READINGS);
  private final PodStatusReader reader;

  /**
   * @param settings what the model needs from the operator's configuration
   * @param clock the time certificates are checked against
   * @param events where transitions are reported
   * @param mayReconcile false once this instance lost its leader-election Lease: from then on a
   *     reconcile touches nothing
   */
  public AuthentikProxyReconciler(
      ReconcilerSettings settings,
      Clock clock,
      EventRecorder events,
      BooleanSupplier mayReconcile) {
    this.settings = settings;
    this.clock = clock;
    this.events = events;
    this.mayReconcile = mayReconcile;
    this.reader = new PodStatusReader(clock, podReadings::propagateEvent);
  }

  /** Stops reading the pods' /status. */
  public void close() {
    reader.close();
  }

  /** What the reconciler needs from the operator's settings. */
  public record ReconcilerSettings(
      String defaultImage, String clusterDomain, String operatorNamespace) {}

  @Override
  public List<EventSource<?, AuthentikProxy>> prepareEventSources(
      EventSourceContext<AuthentikProxy> context) {
    IndexerResourceCache<AuthentikProxy> primaries = context.getPrimaryCache();
    primaries.addIndexer(SECRET_INDEX, AuthentikProxyReconciler::secretKeys);
    primaries.addIndexer(SERVICE_INDEX, AuthentikProxyReconciler::serviceKeys);
    secretStore = new SecretStore(key -> !primaries.byIndex(SECRET_INDEX, key).isEmpty());
    secrets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, AuthentikProxy.class)
                .withName(SECRETS)
                .withInformerListLimit(LIST_LIMIT)
                .withItemStore(secretStore)
                .withSecondaryToPrimaryMapper(s -> referrers(primaries, SECRET_INDEX, s))
                .build(),
            context);
    upstreamServices =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Service.class, AuthentikProxy.class)
                .withName(UPSTREAM_SERVICES)
                .withInformerListLimit(LIST_LIMIT)
                .withSecondaryToPrimaryMapper(s -> referrers(primaries, SERVICE_INDEX, s))
                .build(),
            context);
    pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, AuthentikProxy.class)
                .withName(PODS)
                .withLabelSelector(Names.POD_SELECTOR)
                .withSecondaryToPrimaryMapper(AuthentikProxyReconciler::ownerOfPod)
                .withOnDeleteFilter(
                    (pod, unknownState) -> {
                      reader.forget(pod.getMetadata().getUid());
                      return true;
                    })
                .build(),
            context);
    return List.of(secrets, upstreamServices, pods, podReadings);
  }

  @Override
  public UpdateControl<AuthentikProxy> reconcile(
      AuthentikProxy proxy, Context<AuthentikProxy> context) {
    if (!mayReconcile.getAsBoolean()) {
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    Assessment assessment =
        Assessment.of(
            proxy,
            facts(proxy, context.getClient()),
            settings.defaultImage(),
            settings.clusterDomain(),
            settings.operatorNamespace(),
            now);
    ResourceID id = ResourceID.fromResource(proxy);
    List<Pod> proxyPods = livePods(proxy);
    if (assessment.children().isPresent()) {
      ReconcileChildren.put(context, assessment.children().get());
      context
          .managedWorkflowAndDependentResourceContext()
          .reconcileManagedWorkflow()
          .throwAggregateExceptionIfErrorsPresent();
      DesiredChildren children = assessment.children().get();
      new UnwatchedChild<>(context.getClient(), HorizontalPodAutoscaler.class)
          .apply(proxy, children.autoscaler());
      new UnwatchedChild<>(context.getClient(), NetworkPolicy.class)
          .apply(proxy, children.networkPolicy());
    } else {
      LOG.info(
          "{}/{}: children left as they are: {}",
          proxy.getMetadata().getNamespace(),
          proxy.getMetadata().getName(),
          firstProblem(assessment));
    }
    List<PodView> views = new ArrayList<>();
    for (Pod pod : proxyPods) {
      Optional<PodStatusReader.Reading> reading = reader.latest(pod);
      views.add(
          reading.isPresent()
              ? PodView.of(
                  pod,
                  reading.flatMap(PodStatusReader.Reading::served),
                  reading.flatMap(PodStatusReader.Reading::error))
              : PodView.of(pod, lastReported(proxy, pod), Optional.empty()));
    }
    AuthentikProxyStatus next =
        StatusModel.next(
            proxy,
            assessment,
            new Observed(
                context.getSecondaryResource(Deployment.class),
                context.getSecondaryResource(Service.class, SERVICE),
                views),
            now);
    assessment
        .children()
        .ifPresent(
            children ->
                new PodAnnotator(context.getClient())
                    .annotate(behindPods(proxyPods, next), PodRefresh.value(children)));
    boolean behind = readPods(id, proxyPods, next);
    if (!mayReconcile.getAsBoolean()) {
      return UpdateControl.noUpdate(); // the Lease was lost while this reconcile ran
    }
    for (Transition transition : Transition.between(proxy.getStatus(), next)) {
      events.record(proxy, transition);
    }
    events.applied(proxy);
    if (!sameStatus(proxy.getStatus(), next)) {
      writeStatus(proxy, context, next);
    }
    UpdateControl<AuthentikProxy> control = UpdateControl.noUpdate();
    Optional<Duration> recheck = recheckAfter(assessment.tls().certificate(), now);
    if (behind) {
      // Read again while a pod is behind; the readings' own events come sooner when they change.
      recheck =
          Optional.of(
              recheck
                  .filter(d -> d.compareTo(PodStatusReader.POLL) < 0)
                  .orElse(PodStatusReader.POLL));
    }
    recheck.ifPresent(control::rescheduleAfter);
    return control;
  }

  /**
   * An apply the API server refused for good (see {@link ApplyRefusal}) is reported: Ready=False
   * with reason ApplyFailed and the API server's message, Stalled, and a Warning Event. Either way
   * JOSDK retries with backoff.
   */
  @Override
  public ErrorStatusUpdateControl<AuthentikProxy> updateErrorStatus(
      AuthentikProxy proxy, Context<AuthentikProxy> context, Exception failure) {
    Optional<String> refusal = ApplyRefusal.of(failure);
    if (refusal.isEmpty() || !mayReconcile.getAsBoolean()) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    AuthentikProxyStatus next = StatusModel.refused(proxy, refusal.get(), clock.instant());
    events.record(
        proxy,
        new Transition(
            ConditionType.READY, "False", Reason.APPLY_FAILED.value(), refusal.get(), true));
    if (!sameStatus(proxy.getStatus(), next)) {
      try {
        writeStatus(proxy, context, next);
      } catch (KubernetesClientException e) {
        LOG.warn(
            "{}/{}: could not report the refused apply in status: {}",
            proxy.getMetadata().getNamespace(),
            proxy.getMetadata().getName(),
            e.getMessage());
      }
    }
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  /**
   * Writes status with optimistic locking (a replace at the resourceVersion this reconcile read)
   * and keeps the result in the cache, so the next reconcile compares against what was written even
   * before the informer has seen it: two reconciles inside the informer's lag cannot leave a stale
   * status behind. On a conflict the newer resource is read from the cache and written again.
   */
  private static void writeStatus(
      AuthentikProxy proxy, Context<AuthentikProxy> context, AuthentikProxyStatus next) {
    PrimaryUpdateAndCacheUtils.updateAndCacheResource(
        proxy,
        context,
        resource -> {
          resource.setStatus(next);
          return resource;
        },
        resource -> context.getClient().resource(resource).updateStatus());
  }

  /** This resource's proxy pods that are not on their way out. */
  private List<Pod> livePods(AuthentikProxy proxy) {
    return pods.getSecondaryResources(proxy).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /**
   * Asks for the reads of the Ready pods' /status that are due: a pod never read or whose object
   * changed, and every {@link PodStatusReader#POLL} a pod that does not serve the desired state.
   *
   * @return whether a Ready pod is behind (so this resource is looked at again soon)
   */
  private boolean readPods(ResourceID id, List<Pod> proxyPods, AuthentikProxyStatus next) {
    String hash = next.configHash;
    String serial = next.certificate == null ? null : next.certificate.serial;
    boolean anyBehind = false;
    for (Pod pod : proxyPods) {
      if (!PodView.isReady(pod)) {
        continue;
      }
      boolean behind =
          hash == null
              || serial == null
              || reader
                  .latest(pod)
                  .flatMap(PodStatusReader.Reading::served)
                  .filter(s -> s.serves(hash, serial))
                  .isEmpty();
      anyBehind |= behind;
      reader.refresh(pod, id, behind);
    }
    return anyBehind && hash != null && serial != null;
  }

  /**
   * The pods to bring the change to at once: those read before that do not serve the desired state
   * (or could not be read). A pod never read yet started after the change and mounts it already;
   * annotating it would only cost a write.
   */
  private List<Pod> behindPods(List<Pod> proxyPods, AuthentikProxyStatus next) {
    String hash = next.configHash;
    String serial = next.certificate == null ? null : next.certificate.serial;
    return proxyPods.stream()
        .filter(
            pod ->
                reader
                    .latest(pod)
                    .filter(r -> r.served().filter(s -> s.serves(hash, serial)).isEmpty())
                    .isPresent())
        .toList();
  }

  /**
   * What status last reported a pod to serve, until this operator has read it itself: after a
   * restart the pods are reported as they were, not as unknown for the moment a first read takes.
   */
  private static Optional<ServedState> lastReported(AuthentikProxy proxy, Pod pod) {
    if (proxy.getStatus() == null || proxy.getStatus().pods == null) {
      return Optional.empty();
    }
    return proxy.getStatus().pods.items.stream()
        .filter(item -> pod.getMetadata().getName().equals(item.name))
        .filter(item -> item.configHash != null && item.certificateSerial != null)
        .findFirst()
        .map(
            item ->
                new ServedState(
                    item.configHash,
                    item.certificateSerial,
                    Optional.ofNullable(item.lastReloadError),
                    false));
  }

  /** The resource a proxy pod belongs to, by its instance label. */
  private static Set<ResourceID> ownerOfPod(Pod pod) {
    var labels = pod.getMetadata().getLabels();
    String instance = labels == null ? null : labels.get(Names.LABEL_INSTANCE);
    return instance == null
        ? Set.of()
        : Set.of(new ResourceID(instance, pod.getMetadata().getNamespace()));
  }

  /** The referenced objects, from the informers' caches. */
  private ClusterFacts facts(AuthentikProxy proxy, KubernetesClient client) {
    String namespace = proxy.getMetadata().getNamespace();
    Optional<Secret> tls =
        Optional.ofNullable(SpecDefaults.tlsSecretName(proxy))
            .flatMap(name -> secret(client, namespace, name));
    Optional<Secret> ca =
        SpecDefaults.caSecretName(proxy).flatMap(name -> secret(client, namespace, name));
    Optional<Service> service =
        Optional.ofNullable(SpecDefaults.upstream(proxy).service)
            .flatMap(ref -> upstreamServices.get(new ResourceID(ref.name, namespace)));
    return new ClusterFacts(tls, ca, service);
  }

  /**
   * A referenced Secret: from the cache once it is kept whole; on its first reference (the cache
   * held only a stub, see {@link SecretStore}) fetched once from the API server.
   */
  private Optional<Secret> secret(KubernetesClient client, String namespace, String name) {
    Optional<Secret> cached = secrets.get(new ResourceID(name, namespace));
    if (cached.isEmpty() || secretStore.isWhole(key(namespace, name))) {
      return cached;
    }
    Secret fetched = client.secrets().inNamespace(namespace).withName(name).get();
    if (fetched == null) {
      return Optional.empty();
    }
    secretStore.remember(fetched);
    return Optional.of(SecretStore.lean(fetched));
  }

  /**
   * When to look again without an event: the next moment the certificate's verdict changes by
   * itself, which is when a certificate issued for later becomes valid, when it enters its warning
   * window, and when it expires (a second after, so the reading is past the edge).
   */
  static Optional<Duration> recheckAfter(Optional<CertificateInfo> certificate, Instant now) {
    if (certificate.isEmpty()) {
      return Optional.empty();
    }
    CertificateInfo info = certificate.get();
    return Stream.of(
            info.notBefore(),
            info.notAfter().minus(TlsSecretInspector.EXPIRY_WARNING),
            info.notAfter())
        .filter(now::isBefore)
        .min(Instant::compareTo)
        .map(next -> Duration.between(now, next).plusSeconds(1));
  }

  private boolean sameStatus(AuthentikProxyStatus current, AuthentikProxyStatus next) {
    if (current == null) {
      return false;
    }
    return serialization.asJson(current).equals(serialization.asJson(next));
  }

  private static String firstProblem(Assessment assessment) {
    if (!assessment.accepted().holds()) {
      return assessment.accepted().message();
    }
    if (!assessment.tls().verdict().holds()) {
      return assessment.tls().verdict().message();
    }
    return assessment.upstream().verdict().message();
  }

  private static List<String> secretKeys(AuthentikProxy proxy) {
    List<String> keys = new ArrayList<>();
    String namespace = proxy.getMetadata().getNamespace();
    Optional.ofNullable(SpecDefaults.tlsSecretName(proxy))
        .ifPresent(n -> keys.add(key(namespace, n)));
    SpecDefaults.caSecretName(proxy).ifPresent(n -> keys.add(key(namespace, n)));
    return keys;
  }

  private static List<String> serviceKeys(AuthentikProxy proxy) {
    return Optional.ofNullable(SpecDefaults.upstream(proxy).service)
        .map(ref -> List.of(key(proxy.getMetadata().getNamespace(), ref.name)))
        .orElse(List.of());
  }

  private static Set<ResourceID> referrers(
      IndexerResourceCache<AuthentikProxy> primaries, String index, HasMetadata referenced) {
    return primaries
        .byIndex(
            index, key(referenced.getMetadata().getNamespace(), referenced.getMetadata().getName()))
        .stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
