package io.akproxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.akproxy.operator.api.AuthentikProxy;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shows an AuthentikProxy the way {@code kubectl get akp -o wide} and {@code kubectl describe akp}
 * do. The columns come from the CRD's own additionalPrinterColumns, so the view cannot drift from
 * what kubectl shows.
 */
public final class KubectlView {

  private static final Pattern FILTER =
      Pattern.compile("(\\w+)\\[\\?\\(@\\.(\\w+)==\"([^\"]*)\"\\)\\]");
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private KubectlView() {}

  /** {@code kubectl get akp -o wide}: a header row and one row per resource. */
  public static String getWide(
      CustomResourceDefinition crd, List<AuthentikProxy> proxies, Instant now) {
    List<CustomResourceColumnDefinition> columns =
        crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("NAME"));
    columns.forEach(c -> header.add(c.getName().toUpperCase()));
    rows.add(header);
    for (AuthentikProxy proxy : proxies) {
      JsonNode tree = JSON.convertValue(proxy, JsonNode.class);
      List<String> row = new ArrayList<>(List.of(proxy.getMetadata().getName()));
      for (CustomResourceColumnDefinition column : columns) {
        row.add(format(evaluate(tree, column.getJsonPath()), column.getType(), now));
      }
      rows.add(row);
    }
    return table(rows, 3);
  }

  /** {@code kubectl describe akp}: spec summary, status, conditions and the resource's Events. */
  public static String describe(AuthentikProxy proxy, List<Event> events, Instant now) {
    StringBuilder out = new StringBuilder();
    var spec = proxy.getSpec();
    var status = proxy.getStatus();
    line(out, "Name:", proxy.getMetadata().getName());
    line(out, "Namespace:", proxy.getMetadata().getNamespace());
    line(out, "API Version:", proxy.getApiVersion());
    line(out, "Kind:", proxy.getKind());
    out.append("Spec:\n");
    line(out, "  Hosts:", String.join(", ", spec.hosts));
    line(out, "  Upstream:", JSON.asJson(spec.upstream));
    line(out, "  TLS:", JSON.asJson(spec.tls));
    if (status == null) {
      return out.append("Status: (none yet)\n").toString();
    }
    out.append("Status:\n");
    line(out, "  Observed Generation:", String.valueOf(status.observedGeneration));
    line(out, "  URL:", status.url);
    line(out, "  Upstream:", status.upstream);
    line(out, "  Replicas:", status.readyReplicas + "/" + status.replicas);
    line(out, "  Config Hash:", status.configHash);
    if (status.certificate != null) {
      out.append("  Certificate:\n");
      line(out, "    Serial:", status.certificate.serial);
      line(out, "    DNS Names:", String.join(", ", status.certificate.dnsNames));
      line(out, "    Issuer:", status.certificate.issuer);
      line(out, "    Not Before:", status.certificate.notBefore);
      line(out, "    Not After:", status.certificate.notAfter);
    }
    out.append("  Conditions:\n");
    List<List<String>> conditions = new ArrayList<>();
    conditions.add(List.of("Type", "Status", "Reason", "Message"));
    for (Condition condition : status.conditions) {
      conditions.add(
          List.of(
              condition.getType(),
              condition.getStatus(),
              condition.getReason(),
              condition.getMessage()));
    }
    out.append(indent(table(conditions, 2), "    "));
    out.append("Events:\n");
    if (events.isEmpty()) {
      out.append("  <none>\n");
    } else {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("Type", "Reason", "Age", "Message"));
      events.stream()
          .sorted(Comparator.comparing(e -> String.valueOf(e.getLastTimestamp())))
          .forEach(
              e ->
                  rows.add(
                      List.of(
                          e.getType(),
                          e.getReason(),
                          age(
                              e.getLastTimestamp() != null
                                  ? e.getLastTimestamp()
                                  : e.getFirstTimestamp(),
                              now),
                          e.getMessage())));
      out.append(indent(table(rows, 2), "  "));
    }
    return out.toString();
  }

  /**
   * A tiny JSONPath for printer columns: {@code .a.b}, {@code .a[0]}, {@code .a[?(@.k=="v")].b}.
   */
  static JsonNode evaluate(JsonNode root, String path) {
    JsonNode node = root;
    for (String step : path.substring(1).split("\\.(?![^\\[]*\\])")) {
      if (node == null || node.isMissingNode() || node.isNull()) {
        return null;
      }
      Matcher filter = FILTER.matcher(step);
      if (filter.matches()) {
        JsonNode array = node.get(filter.group(1));
        node = null;
        if (array != null) {
          for (JsonNode element : array) {
            if (filter.group(3).equals(element.path(filter.group(2)).asText())) {
              node = element;
              break;
            }
          }
        }
      } else if (step.endsWith("]")) {
        int open = step.indexOf('[');
        JsonNode array = node.get(step.substring(0, open));
        node =
            array == null
                ? null
                : array.get(Integer.parseInt(step.substring(open + 1, step.length() - 1)));
      } else {
        node = node.get(step);
      }
    }
    return node;
  }

  private static String format(JsonNode value, String type, Instant now) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "<none>";
    }
    if ("date".equals(type)) {
      return age(value.asText(), now);
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  private static String age(String timestamp, Instant now) {
    if (timestamp == null) {
      return "<unknown>";
    }
    Duration age = Duration.between(Instant.parse(timestamp), now);
    if (age.isNegative()) {
      // A date in the future (a certificate's expiry): how long until then.
      Duration until = age.negated();
      return until.toDays() > 0 ? "in " + until.toDays() + "d" : "in " + until.toHours() + "h";
    }
    if (age.toDays() > 0) {
      return age.toDays() + "d";
    }
    if (age.toHours() > 0) {
      return age.toHours() + "h";
    }
    if (age.toMinutes() > 0) {
      return age.toMinutes() + "m";
    }
    return age.toSeconds() + "s";
  }

  private static String table(List<List<String>> rows, int gap) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], String.valueOf(row.get(i)).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        String cell = String.valueOf(row.get(i));
        out.append(cell);
        if (i < row.size() - 1) {
          out.append(" ".repeat(widths[i] - cell.length() + gap));
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String indent(String text, String prefix) {
    return text.lines().map(l -> prefix + l + "\n").reduce("", String::concat);
  }

  private static void line(StringBuilder out, String label, String value) {
    out.append(String.format("%-24s%s%n", label, value == null ? "<none>" : value));
  }
}
