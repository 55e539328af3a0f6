package io.akproxy.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.model.ConditionType;
import io.akproxy.operator.model.Reason;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/resource.md cannot drift from the CRD and the operator's condition reasons. */
class ResourceDocTest {

  static final Path DOC = Path.of("..", "docs", "resource.md");

  /** Kubernetes' own types, documented by Kubernetes: only the field itself is listed. */
  static final Set<String> EMBEDDED =
      Set.of(
          "spec.affinity", "spec.resources", "spec.tolerations", "spec.topologySpreadConstraints");

  @Test
  void everySpecFieldIsDocumented() throws IOException {
    String doc = Files.readString(DOC);
    List<String> fields = new ArrayList<>();
    collect("spec", CrdTest.spec(), fields);
    assertThat(fields).hasSizeGreaterThan(30);
    assertThat(fields).allSatisfy(field -> assertThat(doc).contains("`" + field + "`"));
  }

  @Test
  void everyConditionAndReasonIsDocumented() throws IOException {
    String doc = Files.readString(DOC);
    assertThat(Arrays.stream(ConditionType.values()).map(ConditionType::value))
        .allSatisfy(type -> assertThat(doc).contains("| `" + type + "` |"));
    assertThat(Arrays.stream(Reason.values()).map(Reason::value))
        .allSatisfy(reason -> assertThat(doc).contains("| `" + reason + "` |"));
  }

  private static void collect(String path, JSONSchemaProps node, List<String> fields) {
    node.getProperties()
        .forEach(
            (name, child) -> {
              String field = path + "." + name;
              boolean isParent = !child.getProperties().isEmpty() && !EMBEDDED.contains(field);
              if (isParent) {
                collect(field, child, fields);
              } else {
                fields.add(field);
              }
            });
  }
}
