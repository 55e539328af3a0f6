package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * What kubernetes/kubernetes pkg/apis/core/v1/defaults.go (plus the declarative {@code +default}
 * tags of core/v1/types.go) adds to a pod spec, wherever one appears: SetDefaults_PodSpec,
 * SetDefaults_Container, SetDefaults_Probe, SetDefaults_HTTPGetAction, SetDefaults_Volume,
 * SetDefaults_SecretVolumeSource / ConfigMapVolumeSource / ProjectedVolumeSource, ContainerPort's
 * protocol TCP, and SetDefaults_ResourceList's canonical quantities.
 */
final class PodSpecDefaults {

  /** v1.SecretVolumeSourceDefaultMode and ConfigMapVolumeSourceDefaultMode: 0644. */
  static final int DEFAULT_MODE = 420;

  private PodSpecDefaults() {}

  static void apply(ObjectNode podSpec) {
    Json.putIfAbsent(podSpec, "dnsPolicy", "ClusterFirst");
    Json.putIfAbsent(podSpec, "restartPolicy", "Always");
    Json.putIfAbsent(podSpec, "schedulerName", "default-scheduler");
    Json.putIfAbsent(podSpec, "terminationGracePeriodSeconds", 30);
    if (!podSpec.has("securityContext")) {
      podSpec.putObject("securityContext");
    }
    for (ObjectNode container : Json.objects(podSpec.get("containers"))) {
      container(container);
    }
    for (ObjectNode container : Json.objects(podSpec.get("initContainers"))) {
      container(container);
    }
    for (ObjectNode volume : Json.objects(podSpec.get("volumes"))) {
      volume(volume);
    }
  }

  /** What SetDefaults_Pod adds on top, for Pod objects only (not templates). */
  static void applyPodOnly(ObjectNode podSpec) {
    Json.putIfAbsent(podSpec, "enableServiceLinks", Json.MAPPER.getNodeFactory().booleanNode(true));
    for (ObjectNode container : Json.objects(podSpec.get("containers"))) {
      JsonNode limits = container.path("resources").path("limits");
      if (limits instanceof ObjectNode limitMap && !limitMap.isEmpty()) {
        ObjectNode requests = Json.objectAt(container, "resources.requests");
        limitMap
            .fields()
            .forEachRemaining(e -> Json.putIfAbsent(requests, e.getKey(), e.getValue()));
      }
    }
  }

  private static void container(ObjectNode container) {
    if (!container.hasNonNull("imagePullPolicy")
        || container.get("imagePullPolicy").asText().isEmpty()) {
      container.put(
          "imagePullPolicy",
          "latest".equals(tag(container.path("image").asText())) ? "Always" : "IfNotPresent");
    }
    Json.putIfAbsent(container, "terminationMessagePath", "/dev/termination-log");
    Json.putIfAbsent(container, "terminationMessagePolicy", "File");
    for (ObjectNode port : Json.objects(container.get("ports"))) {
      Json.putIfAbsent(port, "protocol", "TCP");
    }
    for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
      if (container.get(probe) instanceof ObjectNode probeNode) {
        probe(probeNode);
      }
    }
    if (container.get("resources") instanceof ObjectNode resources) {
      canonicalQuantities(resources.get("requests"));
      canonicalQuantities(resources.get("limits"));
    } else {
      // ResourceRequirements is a struct: Go always writes it, even empty.
      container.putObject("resources");
    }
  }

  /**
   * The tag of an image reference: parsers.ParseImageName defaults a missing tag to "latest", so
   * {@code nginx} and {@code nginx:latest} both pull Always, and a digest pins it.
   */
  static String tag(String image) {
    if (image.contains("@")) {
      return "";
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash ? image.substring(colon + 1) : "latest";
  }

  private static void probe(ObjectNode probe) {
    if (Json.isZeroOrAbsent(probe, "timeoutSeconds")) {
      probe.put("timeoutSeconds", 1);
    }
    if (Json.isZeroOrAbsent(probe, "periodSeconds")) {
      probe.put("periodSeconds", 10);
    }
    if (Json.isZeroOrAbsent(probe, "successThreshold")) {
      probe.put("successThreshold", 1);
    }
    if (Json.isZeroOrAbsent(probe, "failureThreshold")) {
      probe.put("failureThreshold", 3);
    }
    if (probe.get("httpGet") instanceof ObjectNode httpGet) {
      Json.putIfAbsent(httpGet, "path", "/");
      Json.putIfAbsent(httpGet, "scheme", "HTTP");
    }
  }

  private static void volume(ObjectNode volume) {
    boolean hasSource = false;
    for (Iterator<String> names = volume.fieldNames(); names.hasNext(); ) {
      if (!names.next().equals("name")) {
        hasSource = true;
      }
    }
    if (!hasSource) {
      volume.putObject("emptyDir");
    }
    for (String source : new String[] {"secret", "configMap", "projected", "downwardAPI"}) {
      if (volume.get(source) instanceof ObjectNode sourceNode) {
        Json.putIfAbsent(sourceNode, "defaultMode", DEFAULT_MODE);
      }
    }
    if (volume.get("emptyDir") instanceof ObjectNode emptyDir && emptyDir.hasNonNull("sizeLimit")) {
      emptyDir.put("sizeLimit", Quantities.canonical(emptyDir.get("sizeLimit").asText()));
    }
  }

  private static void canonicalQuantities(JsonNode resourceList) {
    if (resourceList instanceof ObjectNode map) {
      for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        entry.setValue(
            Json.MAPPER.getNodeFactory().textNode(Quantities.canonical(entry.getValue().asText())));
      }
    }
  }
}
