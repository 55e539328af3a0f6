package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Service as the API server stores it: SetDefaults_Service (sessionAffinity None, type ClusterIP,
 * port protocol TCP, targetPort = port, externalTrafficPolicy Cluster when reachable from outside,
 * internalTrafficPolicy Cluster, allocateLoadBalancerNodePorts true) and what the Service REST
 * storage allocates: a cluster IP (single-stack IPv4), node ports for NodePort and LoadBalancer, a
 * health-check node port for LoadBalancer with externalTrafficPolicy Local. An update that leaves
 * allocated values out keeps them (patchAllocatedValues); one that changes the cluster IP is
 * refused.
 */
final class ServiceDefaults {

  private final AtomicInteger nextIp = new AtomicInteger(10);
  private final Set<Integer> nodePorts = new HashSet<>();
  private int nextNodePort = 30000;

  void apply(ResourceType type, ObjectNode service, ObjectNode old) {
    ObjectNode spec = Json.objectAt(service, "spec");
    Json.putIfAbsent(spec, "sessionAffinity", "None");
    Json.putIfAbsent(spec, "type", "ClusterIP");
    String serviceType = spec.get("type").asText();
    for (ObjectNode port : Json.objects(spec.get("ports"))) {
      Json.putIfAbsent(port, "protocol", "TCP");
      JsonNode target = port.get("targetPort");
      if (target == null
          || target.isNull()
          || (target.isNumber() && target.asInt() == 0)
          || (target.isTextual() && target.asText().isEmpty())) {
        port.put("targetPort", port.path("port").asInt());
      }
    }
    boolean external = serviceType.equals("NodePort") || serviceType.equals("LoadBalancer");
    if ((external || spec.has("externalIPs")) && !spec.hasNonNull("externalTrafficPolicy")) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    if (external || serviceType.equals("ClusterIP")) {
      Json.putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
    }
    if (serviceType.equals("LoadBalancer") && !spec.has("allocateLoadBalancerNodePorts")) {
      spec.put("allocateLoadBalancerNodePorts", true);
    }
    if (serviceType.equals("LoadBalancer")) {
      Json.objectAt(service, "status.loadBalancer");
    }
    allocate(type, service, spec, serviceType, old == null ? null : old.path("spec"));
  }

  private void allocate(
      ResourceType type, ObjectNode service, ObjectNode spec, String serviceType, JsonNode old) {
    String name = Json.text(service, "metadata.name");
    if (!serviceType.equals("ExternalName")) {
      String oldIp = old == null ? null : Json.text(old, "clusterIP");
      String sent = spec.hasNonNull("clusterIP") ? spec.get("clusterIP").asText() : "";
      if (oldIp != null && !sent.isEmpty() && !sent.equals(oldIp)) {
        throw ApiException.invalid(
            type,
            name,
            "spec.clusterIPs[0]",
            "Invalid value: []string{\"" + sent + "\"}: may not change once set");
      }
      String ip = !sent.isEmpty() ? sent : oldIp != null ? oldIp : allocateIp();
      spec.put("clusterIP", ip);
      if (!spec.has("clusterIPs")) {
        spec.putArray("clusterIPs").add(ip);
      }
      if (!spec.has("ipFamilies")) {
        spec.putArray("ipFamilies").add("IPv4");
      }
      Json.putIfAbsent(spec, "ipFamilyPolicy", "SingleStack");
    }
    boolean needsNodePorts =
        serviceType.equals("NodePort")
            || (serviceType.equals("LoadBalancer")
                && spec.path("allocateLoadBalancerNodePorts").asBoolean(true));
    for (ObjectNode port : Json.objects(spec.get("ports"))) {
      boolean sentNodePort = port.path("nodePort").asInt() != 0;
      if (!needsNodePorts) {
        if (sentNodePort && serviceType.equals("ClusterIP")) {
          throw ApiException.invalid(
              type,
              name,
              "spec.ports[].nodePort",
              "Forbidden: may not be used when `type` is 'ClusterIP'");
        }
        continue;
      }
      if (!sentNodePort) {
        int kept = oldNodePort(old, port);
        port.put("nodePort", kept != 0 ? kept : allocateNodePort());
      }
    }
    if (serviceType.equals("LoadBalancer")
        && "Local".equals(Json.text(spec, "externalTrafficPolicy"))
        && spec.path("healthCheckNodePort").asInt() == 0) {
      int kept = old == null ? 0 : old.path("healthCheckNodePort").asInt();
      spec.put("healthCheckNodePort", kept != 0 ? kept : allocateNodePort());
    }
  }

  private static int oldNodePort(JsonNode oldSpec, ObjectNode port) {
    if (oldSpec == null) {
      return 0;
    }
    for (JsonNode oldPort : oldSpec.path("ports")) {
      if (oldPort.path("port").asInt() == port.path("port").asInt()
          && oldPort.path("protocol").asText("TCP").equals(port.path("protocol").asText("TCP"))) {
        return oldPort.path("nodePort").asInt();
      }
    }
    return 0;
  }

  private String allocateIp() {
    int n = nextIp.getAndIncrement();
    return "10.96." + (n / 250) + "." + (n % 250 + 1);
  }

  private synchronized int allocateNodePort() {
    while (nodePorts.contains(nextNodePort)) {
      nextNodePort++;
    }
    nodePorts.add(nextNodePort);
    return nextNodePort++;
  }
}
