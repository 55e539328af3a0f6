package io.akproxy.operator.model;

import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Shutdown;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxySpec;
import io.akproxy.operator.api.ExternalTrafficPolicy;
import io.akproxy.operator.api.IpFamily;
import io.akproxy.operator.api.ServiceSpec;
import io.akproxy.operator.api.ServiceType;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpecBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds every child of an AuthentikProxy. Pure: the resource, its rendered configuration and the
 * operator's default image in, objects out.
 *
 * <p>The pod template depends only on pod-level fields (image, resources, scheduling, pod
 * annotations): configuration and certificates are files the runtime reloads live, so changing them
 * must not roll the pods.
 */
public final class ChildrenModel {

  /** The user and group the runtime image runs as (distroless "nonroot"). */
  public static final long RUNTIME_UID = 65532L;

  /** Owner-only and group read: the key is readable by the runtime's group and nobody else. */
  static final int SECRET_FILE_MODE = 0440;

  static final String CONFIG_VOLUME = "config";
  static final String TLS_VOLUME = "tls";
  static final String UPSTREAM_CA_VOLUME = "upstream-ca";
  static final String TMP_VOLUME = "tmp";

  public static final String CONFIG_HASH_ANNOTATION = "akproxy.io/config-hash";

  private ChildrenModel() {}

  /**
   * @param tls the validated certificate, key and upstream CA the pods are given
   * @param upstreamService the upstream Service, whose pods the NetworkPolicy lets the proxy reach
   * @param operatorNamespace the operator's namespace, which the NetworkPolicy admits to the admin
   *     port
   */
  public static DesiredChildren build(
      AuthentikProxy proxy,
      ProxyConfig config,
      String image,
      TlsMaterial tls,
      Optional<Service> upstreamService,
      String operatorNamespace) {
    return new DesiredChildren(
        OwnedAnnotations.record(configMap(proxy, config)),
        OwnedAnnotations.record(tlsSecret(proxy, tls)),
        OwnedAnnotations.record(deployment(proxy, image, config)),
        OwnedAnnotations.record(service(proxy)),
        OwnedAnnotations.record(serviceAccount(proxy)),
        podDisruptionBudget(proxy).map(OwnedAnnotations::record),
        autoscaler(proxy).map(OwnedAnnotations::record),
        NetworkPolicyModel.build(proxy, config.upstream().url(), upstreamService, operatorNamespace)
            .map(OwnedAnnotations::record));
  }

  public static ConfigMap configMap(AuthentikProxy proxy, ProxyConfig config) {
    ObjectMeta metadata = metadata(proxy);
    metadata.getAnnotations().put(CONFIG_HASH_ANNOTATION, config.hash());
    return new ConfigMapBuilder()
        .withMetadata(metadata)
        .withData(Map.of(Names.CONFIG_KEY, config.render()))
        .build();
  }

  /**
   * The copy of the validated certificate and key (and the upstream CA as {@code ca.crt}) that the
   * pods mount. Written only from input that passed every check, so it always holds a set the
   * runtime can serve.
   */
  public static Secret tlsSecret(AuthentikProxy proxy, TlsMaterial tls) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TlsSecretInspector.CERT_KEY, base64(tls.certificatePem()));
    data.put(TlsSecretInspector.KEY_KEY, base64(tls.keyPem()));
    tls.upstreamCaPem().ifPresent(ca -> data.put(Names.UPSTREAM_CA_KEY, base64(ca)));
    ObjectMeta metadata = metadata(proxy);
    metadata.setName(Names.tlsCopy(proxy));
    return new SecretBuilder()
        .withMetadata(metadata)
        .withType(TlsSecretInspector.TLS_SECRET_TYPE)
        .withData(data)
        .build();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The pod-template annotation that carries the settings the runtime can only apply when its
   * listeners open, as proxy-config lists them once for both sides ({@link
   * io.akproxy.config.RestartOnlySettings}): changing one of them rolls the pods, while everything
   * else in proxy.json is reloaded live and leaves the template alone.
   */
  public static final String LISTENER_SETTINGS_ANNOTATION = "akproxy.io/listener-settings";

  public static Deployment deployment(
      AuthentikProxy proxy, String defaultImage, ProxyConfig config) {
    // With an autoscaler the count is its to set: the model leaves it out.
    Integer replicas =
        SpecDefaults.autoscaling(proxy).isPresent() ? null : SpecDefaults.replicas(proxy);
    Map<String, String> podAnnotations = new LinkedHashMap<>(SpecDefaults.podAnnotations(proxy));
    podAnnotations.put(LISTENER_SETTINGS_ANNOTATION, config.restartOnly().render());
    return new DeploymentBuilder()
        .withMetadata(metadata(proxy))
        .withNewSpec()
        .withReplicas(replicas)
        .withSelector(selector(proxy))
        .withNewStrategy()
        .withType("RollingUpdate")
        // A proxy in front of the login page: never drop below the desired count while rolling.
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Names.labels(proxy))
        .withAnnotations(podAnnotations.isEmpty() ? null : podAnnotations)
        .endMetadata()
        .withSpec(podSpec(proxy, defaultImage, config.shutdown()))
        .endTemplate()
        .endSpec()
        .build();
  }

  static PodSpec podSpec(AuthentikProxy proxy, String defaultImage, Shutdown shutdown) {
    AuthentikProxySpec spec = proxy.getSpec();
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName(CONFIG_VOLUME)
            .withNewConfigMap()
            .withName(Names.child(proxy))
            .endConfigMap()
            .build());
    // Both from the operator's copy, never the user's Secrets: the template does not change when
    // they are renamed, and a new pod starts even when they are gone.
    volumes.add(
        secretVolume(
            TLS_VOLUME,
            Names.tlsCopy(proxy),
            TlsSecretInspector.CERT_KEY,
            TlsSecretInspector.KEY_KEY));
    SpecDefaults.caSecretName(proxy)
        .ifPresent(
            name ->
                volumes.add(
                    secretVolume(UPSTREAM_CA_VOLUME, Names.tlsCopy(proxy), Names.UPSTREAM_CA_KEY)));
    volumes.add(
        new VolumeBuilder()
            .withName(TMP_VOLUME)
            .withNewEmptyDir()
            .withSizeLimit(new Quantity("64Mi"))
            .endEmptyDir()
            .build());
    return new PodSpecBuilder()
        .withServiceAccountName(Names.child(proxy))
        .withAutomountServiceAccountToken(false)
        // The proxy needs no Service environment variables; they only leak cluster layout.
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(shutdown.terminationSeconds())
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUNTIME_UID)
        .withRunAsGroup(RUNTIME_UID)
        .withFsGroup(RUNTIME_UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(container(proxy, defaultImage))
        .withVolumes(volumes)
        .withNodeSelector(spec.nodeSelector)
        .withTolerations(spec.tolerations)
        .withAffinity(spec.affinity)
        .withTopologySpreadConstraints(topologySpread(proxy))
        .build();
  }

  static Container container(AuthentikProxy proxy, String defaultImage) {
    List<VolumeMount> mounts = new ArrayList<>();
    // Whole-volume mounts: the kubelet swaps them atomically; a subPath mount never updates.
    mounts.add(mount(CONFIG_VOLUME, Names.CONFIG_DIR, true));
    mounts.add(mount(TLS_VOLUME, Names.TLS_DIR, true));
    SpecDefaults.caSecretName(proxy)
        .ifPresent(name -> mounts.add(mount(UPSTREAM_CA_VOLUME, Names.UPSTREAM_CA_DIR, true)));
    mounts.add(mount(TMP_VOLUME, Names.TMP_DIR, false));
    return new ContainerBuilder()
        .withName(Names.CONTAINER)
        .withImage(SpecDefaults.image(proxy, defaultImage))
        .withArgs("--config", Names.CONFIG_FILE)
        // Every port is always declared, so turning the HTTP redirect off is a config change only.
        .withPorts(
            port(Names.PORT_HTTPS, Names.CONTAINER_HTTPS_PORT),
            port(Names.PORT_HTTP, Names.CONTAINER_HTTP_PORT),
            port(Names.PORT_ADMIN, Names.CONTAINER_ADMIN_PORT))
        .withStartupProbe(probe("/healthz", 2, 30))
        .withLivenessProbe(probe("/healthz", 10, 3))
        .withReadinessProbe(probe("/readyz", 5, 2))
        .withResources(resources(proxy))
        .withVolumeMounts(mounts)
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withPrivileged(false)
        .withCapabilities(dropAll())
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .build();
  }

  /** The user's resources, or requests sized for a JVM proxy with a memory ceiling. */
  static ResourceRequirements resources(AuthentikProxy proxy) {
    ResourceRequirements given = proxy.getSpec().resources;
    if (given != null
        && ((given.getRequests() != null && !given.getRequests().isEmpty())
            || (given.getLimits() != null && !given.getLimits().isEmpty()))) {
      return given;
    }
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("192Mi"))
        .addToLimits("memory", new Quantity("512Mi"))
        .build();
  }

  /** The user's spread, or with more than one pod: prefer different nodes, then zones. */
  static List<TopologySpreadConstraint> topologySpread(AuthentikProxy proxy) {
    List<TopologySpreadConstraint> given = proxy.getSpec().topologySpreadConstraints;
    if (given != null && !given.isEmpty()) {
      return given;
    }
    if (SpecDefaults.minimumReplicas(proxy) <= 1) {
      return List.of();
    }
    return List.of(
        spread(proxy, "kubernetes.io/hostname"), spread(proxy, "topology.kubernetes.io/zone"));
  }

  private static TopologySpreadConstraint spread(AuthentikProxy proxy, String topologyKey) {
    return new TopologySpreadConstraintBuilder()
        .withMaxSkew(1)
        .withTopologyKey(topologyKey)
        .withWhenUnsatisfiable("ScheduleAnyway")
        .withLabelSelector(selector(proxy))
        .build();
  }

  public static Service service(AuthentikProxy proxy) {
    ServiceSpec spec = SpecDefaults.service(proxy);
    ServiceType type = SpecDefaults.serviceType(proxy);
    ObjectMeta metadata = metadata(proxy);
    if (spec.annotations != null) {
      metadata.getAnnotations().putAll(spec.annotations);
    }
    List<ServicePort> ports = new ArrayList<>();
    ports.add(servicePort(Names.PORT_HTTPS, SpecDefaults.serviceHttpsPort(proxy)));
    if (SpecDefaults.httpRedirect(proxy)) {
      ports.add(servicePort(Names.PORT_HTTP, SpecDefaults.serviceHttpPort(proxy)));
    }
    ServiceSpecBuilder serviceSpec =
        new ServiceSpecBuilder()
            .withType(type.value())
            .withSelector(Names.selectorLabels(proxy))
            .withPorts(ports);
    if (type != ServiceType.CLUSTER_IP) {
      // Sent even when unset: the API server defaults it to Cluster, so leaving it out after the
      // user removed Local would leave Local in place.
      serviceSpec.withExternalTrafficPolicy(
          spec.externalTrafficPolicy == null
              ? ExternalTrafficPolicy.CLUSTER.value()
              : spec.externalTrafficPolicy.value());
    }
    if (spec.ipFamilyPolicy != null) {
      serviceSpec.withIpFamilyPolicy(spec.ipFamilyPolicy.value());
    }
    if (spec.ipFamilies != null && !spec.ipFamilies.isEmpty()) {
      serviceSpec.withIpFamilies(spec.ipFamilies.stream().map(IpFamily::value).toList());
    }
    if (type == ServiceType.LOAD_BALANCER
        && spec.loadBalancerSourceRanges != null
        && !spec.loadBalancerSourceRanges.isEmpty()) {
      serviceSpec.withLoadBalancerSourceRanges(spec.loadBalancerSourceRanges);
    }
    return new ServiceBuilder().withMetadata(metadata).withSpec(serviceSpec.build()).build();
  }

  public static ServiceAccount serviceAccount(AuthentikProxy proxy) {
    // The proxy never talks to the Kubernetes API: no token, not even mountable by accident.
    return new ServiceAccountBuilder()
        .withMetadata(metadata(proxy))
        .withAutomountServiceAccountToken(false)
        .build();
  }

  /** A budget only when there is more than one pod: with one, it would block node drains. */
  public static Optional<PodDisruptionBudget> podDisruptionBudget(AuthentikProxy proxy) {
    if (!needsDisruptionBudget(proxy)) {
      return Optional.empty();
    }
    return Optional.of(
        new PodDisruptionBudgetBuilder()
            .withMetadata(metadata(proxy))
            .withNewSpec()
            .withMaxUnavailable(new IntOrString(1))
            .withSelector(selector(proxy))
            .endSpec()
            .build());
  }

  private static boolean needsDisruptionBudget(AuthentikProxy proxy) {
    return SpecDefaults.minimumReplicas(proxy) > 1;
  }

  /** The autoscaler of the Deployment on CPU, when spec.autoscaling is set. */
  public static Optional<HorizontalPodAutoscaler> autoscaler(AuthentikProxy proxy) {
    return SpecDefaults.autoscaling(proxy)
        .map(
            autoscaling ->
                new HorizontalPodAutoscalerBuilder()
                    .withMetadata(metadata(proxy))
                    .withNewSpec()
                    .withNewScaleTargetRef()
                    .withApiVersion("apps/v1")
                    .withKind("Deployment")
                    .withName(Names.child(proxy))
                    .endScaleTargetRef()
                    .withMinReplicas(autoscaling.minReplicas)
                    .withMaxReplicas(autoscaling.maxReplicas)
                    .addNewMetric()
                    .withType("Resource")
                    .withNewResource()
                    .withName("cpu")
                    .withNewTarget()
                    .withType("Utilization")
                    .withAverageUtilization(autoscaling.targetCPUUtilizationPercentage)
                    .endTarget()
                    .endResource()
                    .endMetric()
                    .endSpec()
                    .build());
  }

  static ObjectMeta metadata(AuthentikProxy proxy) {
    return new ObjectMetaBuilder()
        .withName(Names.child(proxy))
        .withNamespace(proxy.getMetadata().getNamespace())
        .withLabels(Names.labels(proxy))
        .withAnnotations(new LinkedHashMap<>())
        .withOwnerReferences(controllerReference(proxy))
        .build();
  }

  /**
   * The resource as the controlling owner: Kubernetes deletes the child with it, and {@code kubectl
   * describe} shows who manages it.
   */
  static OwnerReference controllerReference(AuthentikProxy proxy) {
    return new OwnerReferenceBuilder()
        .withApiVersion(HasMetadata.getApiVersion(AuthentikProxy.class))
        .withKind(HasMetadata.getKind(AuthentikProxy.class))
        .withName(proxy.getMetadata().getName())
        .withUid(proxy.getMetadata().getUid())
        .withController(true)
        .build();
  }

  private static LabelSelector selector(AuthentikProxy proxy) {
    return new LabelSelectorBuilder().withMatchLabels(Names.selectorLabels(proxy)).build();
  }

  /** A whole-volume Secret mount of the given keys (each a file of the same name). */
  private static Volume secretVolume(String volumeName, String secretName, String... keys) {
    return new VolumeBuilder()
        .withName(volumeName)
        .withNewSecret()
        .withSecretName(secretName)
        .withDefaultMode(SECRET_FILE_MODE)
        .withItems(
            java.util.Arrays.stream(keys)
                .map(key -> new KeyToPathBuilder().withKey(key).withPath(key).build())
                .toList())
        .endSecret()
        .build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    // An API server drops readOnly: false (Go omitempty): sending it would differ from what is
    // stored and make every reconcile rewrite the Deployment.
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }

  private static ContainerPort port(String name, int port) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(port)
        .withProtocol("TCP")
        .build();
  }

  private static ServicePort servicePort(String name, int port) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withTargetPort(new IntOrString(name))
        .withProtocol("TCP")
        .build();
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(Names.PORT_ADMIN))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static Capabilities dropAll() {
    return new CapabilitiesBuilder().withDrop("ALL").build();
  }
}
