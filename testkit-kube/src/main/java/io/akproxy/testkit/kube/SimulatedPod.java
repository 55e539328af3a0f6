package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** A {@link PodHandle} whose reports are status writes on the Pod object, as a kubelet's are. */
final class SimulatedPod implements PodHandle {

  private final ApiResources resources;
  private final ResourceType pods;
  private final Clock clock;
  private final String namespace;
  private final String name;
  private final String podIP;
  private volatile ObjectNode last;
  private volatile int restarts;

  SimulatedPod(ApiResources resources, Clock clock, ObjectNode pod, String podIP) {
    this.resources = resources;
    this.pods = resources.types().find("", "v1", "pods").orElseThrow();
    this.clock = clock;
    this.namespace = Json.text(pod, "metadata.namespace");
    this.name = Json.text(pod, "metadata.name");
    this.podIP = podIP;
    this.last = pod;
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Pod pod() {
    resources.find(pods, namespace, name).ifPresent(p -> last = p);
    return Json.MAPPER.convertValue(last, Pod.class);
  }

  @Override
  public List<String> images() {
    List<String> images = new ArrayList<>();
    last.path("spec").path("containers").forEach(c -> images.add(c.path("image").asText()));
    return images;
  }

  @Override
  public String podIP() {
    return podIP;
  }

  @Override
  public void markReady() {
    write("Running", true, true, null, null);
  }

  @Override
  public void markRunningNotReady() {
    write("Running", true, false, null, null);
  }

  @Override
  public void markWaiting(String reason, String message) {
    write("Pending", false, false, reason, message);
  }

  @Override
  public void markCrashed(int exitCode, String reason) {
    write(
        "Running",
        false,
        false,
        reason,
        "Back-off restarting failed container (exit code " + exitCode + ")");
  }

  @Override
  public synchronized void markRestarted() {
    restarts++;
    markRunningNotReady();
  }

  private void write(String phase, boolean started, boolean ready, String reason, String message) {
    String now = Json.timestamp(clock.instant());
    for (int attempt = 0; attempt < 5; attempt++) {
      ObjectNode pod = resources.find(pods, namespace, name).orElse(null);
      if (pod == null) {
        return; // Deleted meanwhile: nothing left to report on.
      }
      ObjectNode status = pod.putObject("status");
      status.put("phase", phase);
      status.put("hostIP", "127.0.0.1");
      ArrayNode hostIPs = status.putArray("hostIPs");
      hostIPs.addObject().put("ip", "127.0.0.1");
      if (started || phase.equals("Running")) {
        status.put("podIP", podIP);
        status.putArray("podIPs").addObject().put("ip", podIP);
      }
      status.put("startTime", Json.text(pod, "metadata.creationTimestamp"));
      status.put(
          "qosClass",
          Json.text(last, "status.qosClass") == null
              ? "BestEffort"
              : Json.text(last, "status.qosClass"));
      ArrayNode conditions = status.putArray("conditions");
      condition(conditions, "PodReadyToStartContainers", started, now);
      condition(conditions, "Initialized", true, now);
      condition(conditions, "Ready", ready, now);
      condition(conditions, "ContainersReady", ready, now);
      condition(conditions, "PodScheduled", true, now);
      ArrayNode containers = status.putArray("containerStatuses");
      for (var container : pod.path("spec").path("containers")) {
        ObjectNode c = containers.addObject();
        c.put("name", container.path("name").asText());
        c.put("image", container.path("image").asText());
        c.put("imageID", started ? "testkit://" + container.path("image").asText() : "");
        c.put("ready", ready);
        c.put("restartCount", restarts);
        c.put("started", started);
        ObjectNode state = c.putObject("state");
        if (reason == null) {
          state.putObject("running").put("startedAt", now);
        } else {
          ObjectNode waiting = state.putObject("waiting");
          waiting.put("reason", reason);
          waiting.put("message", message);
        }
      }
      try {
        last = resources.update(pods, namespace, name, pod, true);
        return;
      } catch (ApiException e) {
        if (e.code() == 404) {
          return;
        }
        if (e.code() != 409) {
          throw e;
        }
      }
    }
  }

  private static void condition(ArrayNode conditions, String type, boolean status, String now) {
    ObjectNode condition = conditions.addObject();
    condition.put("type", type);
    condition.put("status", status ? "True" : "False");
    condition.putNull("lastProbeTime");
    condition.put("lastTransitionTime", now);
  }
}
