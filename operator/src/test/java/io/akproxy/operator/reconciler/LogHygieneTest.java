package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestResources;
import io.akproxy.operator.model.ConditionType;
import io.akproxy.testkit.pki.Issued;
import io.fabric8.kubernetes.api.model.Event;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * What the operator logs and reports about a resource names it, and never carries key material,
 * even when the key is the problem.
 */
@Isolated("captures System.err, where every test's operator logs")
class LogHygieneTest extends OperatorTestBase {

  @Test
  void linesNameTheResourceAndNoKeyMaterialLeaksIntoLogsEventsOrStatus() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    Issued other = TestResources.ssoCertificate();
    String garbageKey = other.keyPem().replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\nAAAA");
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      kube.resource(
              TestResources.tlsSecret(NS, TestResources.TLS_SECRET, certificate.withKeyOf(other)))
          .create();
      kube.resource(TestResources.authentikService(NS)).create();
      kube.resource(TestResources.proxy(NS, NAME)).create();
      awaitCondition(ConditionType.TLS_READY, "False", "KeyMismatch");
      kube.resource(
              TestResources.tlsSecret(
                  NS, TestResources.TLS_SECRET, certificate.certificatePem(), garbageKey))
          .update();
      awaitCondition(ConditionType.TLS_READY, "False", "KeyInvalid");
    } finally {
      System.setErr(original);
    }

    String logs = captured.toString(StandardCharsets.UTF_8);
    List<String> ours = logs.lines().filter(l -> l.contains("io.akproxy")).toList();
    assertThat(ours).isNotEmpty();
    assertThat(ours).allSatisfy(line -> assertThat(line).contains(NS + "/" + NAME));

    List<String> keyLines =
        other.keyPem().lines().filter(l -> !l.startsWith("-----") && l.length() > 16).toList();
    String events =
        String.join(
            "\n",
            kube.v1().events().inNamespace(NS).list().getItems().stream()
                .map(Event::getMessage)
                .toList());
    String status = kube.getKubernetesSerialization().asJson(get().getStatus());
    for (String text : List.of(logs, events, status)) {
      assertThat(text).doesNotContain("PRIVATE KEY");
      for (String keyLine : keyLines) {
        assertThat(text).doesNotContain(keyLine);
      }
    }
  }
}
