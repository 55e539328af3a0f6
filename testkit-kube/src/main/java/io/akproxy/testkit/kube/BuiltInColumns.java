package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The columns kubectl shows for the built-in kinds, after kubernetes/kubernetes
 * pkg/printers/internalversion/printers.go (the commonly read ones; every other kind gets NAME and
 * AGE).
 */
final class BuiltInColumns {

  private BuiltInColumns() {}

  static List<Column> forKind(String kind, Clock clock) {
    Column age =
        Column.of(
            "Age", o -> Ages.since(Json.text(o, "metadata.creationTimestamp"), clock.instant()));
    List<Column> columns = new ArrayList<>();
    switch (kind) {
      case "Pod" -> {
        columns.add(Column.objectName());
        columns.add(Column.of("Ready", BuiltInColumns::podReady));
        columns.add(Column.of("Status", BuiltInColumns::podStatus));
        columns.add(Column.of("Restarts", BuiltInColumns::restarts));
        columns.add(age);
        columns.add(Column.wide("IP", o -> orNone(Json.text(o, "status.podIP"))));
        columns.add(Column.wide("Node", o -> orNone(Json.text(o, "spec.nodeName"))));
        columns.add(Column.wide("Nominated Node", o -> "<none>"));
        columns.add(Column.wide("Readiness Gates", o -> "<none>"));
      }
      case "Deployment" -> {
        columns.add(Column.objectName());
        columns.add(
            Column.of(
                "Ready",
                o ->
                    o.path("status").path("readyReplicas").asInt()
                        + "/"
                        + o.path("spec").path("replicas").asInt(1)));
        columns.add(
            Column.of("Up-to-date", o -> o.path("status").path("updatedReplicas").asLong()));
        columns.add(
            Column.of("Available", o -> o.path("status").path("availableReplicas").asLong()));
        columns.add(age);
        columns.add(Column.wide("Containers", o -> containerField(o, "name")));
        columns.add(Column.wide("Images", o -> containerField(o, "image")));
        columns.add(
            Column.wide(
                "Selector", o -> selector(o.path("spec").path("selector").path("matchLabels"))));
      }
      case "Service" -> {
        columns.add(Column.objectName());
        columns.add(Column.of("Type", o -> Json.text(o, "spec.type")));
        columns.add(Column.of("Cluster-IP", o -> orNone(Json.text(o, "spec.clusterIP"))));
        columns.add(Column.of("External-IP", BuiltInColumns::externalIp));
        columns.add(Column.of("Port(s)", BuiltInColumns::ports));
        columns.add(age);
        columns.add(Column.wide("Selector", o -> selector(o.path("spec").path("selector"))));
      }
      case "ConfigMap" -> {
        columns.add(Column.objectName());
        columns.add(
            Column.of("Data", o -> (long) (o.path("data").size() + o.path("binaryData").size())));
        columns.add(age);
      }
      case "Secret" -> {
        columns.add(Column.objectName());
        columns.add(Column.of("Type", o -> Json.text(o, "type")));
        columns.add(Column.of("Data", o -> (long) o.path("data").size()));
        columns.add(age);
      }
      case "Namespace" -> {
        columns.add(Column.objectName());
        columns.add(Column.of("Status", o -> Json.text(o, "status.phase")));
        columns.add(age);
      }
      case "Event" -> {
        columns.add(
            Column.of(
                "Last Seen",
                o ->
                    Ages.since(
                        firstNonNull(
                            Json.text(o, "lastTimestamp"),
                            Json.text(o, "eventTime"),
                            Json.text(o, "metadata.creationTimestamp")),
                        clock.instant())));
        columns.add(Column.of("Type", o -> Json.text(o, "type")));
        columns.add(Column.of("Reason", o -> Json.text(o, "reason")));
        columns.add(
            Column.of(
                "Object",
                o ->
                    Json.text(o, "involvedObject.kind").toLowerCase(java.util.Locale.ROOT)
                        + "/"
                        + Json.text(o, "involvedObject.name")));
        columns.add(Column.of("Message", o -> Json.text(o, "message")));
      }
      case "CustomResourceDefinition" -> {
        columns.add(Column.objectName());
        columns.add(Column.of("Created At", o -> Json.text(o, "metadata.creationTimestamp")));
      }
      default -> {
        columns.add(Column.objectName());
        columns.add(age);
      }
    }
    return columns;
  }

  private static Object podReady(JsonNode pod) {
    int total = pod.path("spec").path("containers").size();
    int ready = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      if (status.path("ready").asBoolean(false)) {
        ready++;
      }
    }
    return ready + "/" + total;
  }

  private static Object podStatus(JsonNode pod) {
    if (pod.path("metadata").has("deletionTimestamp")) {
      return "Terminating";
    }
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      String waiting = Json.text(status, "state.waiting.reason");
      if (waiting != null) {
        return waiting;
      }
    }
    return Json.text(pod, "status.phase");
  }

  private static Object restarts(JsonNode pod) {
    long restarts = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      restarts += status.path("restartCount").asLong();
    }
    return restarts;
  }

  private static String containerField(JsonNode deployment, String field) {
    StringJoiner joined = new StringJoiner(",");
    deployment
        .path("spec")
        .path("template")
        .path("spec")
        .path("containers")
        .forEach(c -> joined.add(c.path(field).asText()));
    return joined.toString();
  }

  private static String selector(JsonNode labels) {
    if (labels.isEmpty()) {
      return "<none>";
    }
    StringJoiner joined = new StringJoiner(",");
    labels.fields().forEachRemaining(e -> joined.add(e.getKey() + "=" + e.getValue().asText()));
    return joined.toString();
  }

  private static Object externalIp(JsonNode service) {
    String type = Json.text(service, "spec.type");
    if ("LoadBalancer".equals(type)) {
      StringJoiner ips = new StringJoiner(",");
      service
          .path("status")
          .path("loadBalancer")
          .path("ingress")
          .forEach(i -> ips.add(i.path("ip").asText(i.path("hostname").asText())));
      return ips.length() == 0 ? "<pending>" : ips.toString();
    }
    return "<none>";
  }

  private static Object ports(JsonNode service) {
    StringJoiner ports = new StringJoiner(",");
    for (JsonNode port : service.path("spec").path("ports")) {
      String nodePort = port.has("nodePort") ? ":" + port.path("nodePort").asText() : "";
      ports.add(port.path("port").asText() + nodePort + "/" + port.path("protocol").asText("TCP"));
    }
    return ports.length() == 0 ? "<none>" : ports.toString();
  }

  private static String orNone(String value) {
    return value == null || value.isEmpty() ? "<none>" : value;
  }

  private static String firstNonNull(String... values) {
    for (String value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }
}
