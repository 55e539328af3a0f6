package io.akproxy.operator.model;

import static io.akproxy.operator.model.StatusModelTest.T0;
import static io.akproxy.operator.model.StatusModelTest.assess;
import static io.akproxy.operator.model.StatusModelTest.available;
import static io.akproxy.operator.model.StatusModelTest.current;
import static io.akproxy.operator.model.StatusModelTest.goodSecret;
import static io.akproxy.operator.model.StatusModelTest.pod;
import static io.akproxy.operator.model.StatusModelTest.withPods;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.akproxy.operator.api.AuthentikProxy;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health script in the README, run by a Lua interpreter (Argo CD runs it the same way:
 * the object as the global {@code obj}, the returned table's {@code status}) against statuses the
 * operator's own model produces.
 */
class ArgoHealthScriptTest {

  static final Path README = Path.of("..", "README.md");
  static final String KEY = "resource.customizations.health.akproxy.io_AuthentikProxy: |";

  record Health(String status, String message) {}

  /** The script as the README gives it: the block under {@link #KEY}, unindented. */
  static String script() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int start = lines.indexOf(KEY);
    assertThat(start).as("the README has the Argo CD health check").isNotNegative();
    return lines.subList(start + 1, lines.size()).stream()
        .takeWhile(line -> line.startsWith("  ") || line.isEmpty())
        .map(line -> line.isEmpty() ? line : line.substring(2))
        .collect(Collectors.joining("\n"));
  }

  static Health health(AuthentikProxy proxy) throws IOException {
    JsonNode json = new ObjectMapper().readTree(new KubernetesSerialization().asJson(proxy));
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", lua(json));
    LuaValue result = globals.load(script(), "health.lua").call();
    return new Health(result.get("status").tojstring(), result.get("message").optjstring(null));
  }

  /** JSON as Argo CD hands an object to Lua: objects and arrays as tables, numbers as numbers. */
  static LuaValue lua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      node.fields().forEachRemaining(e -> table.set(e.getKey(), lua(e.getValue())));
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      int i = 1;
      for (JsonNode item : node) {
        table.set(i++, lua(item));
      }
      return table;
    }
    if (node.isTextual()) {
      return LuaValue.valueOf(node.asText());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    return LuaValue.NIL;
  }

  private static AuthentikProxy healthy() {
    AuthentikProxy proxy = StatusModelTest.proxy();
    return withSecondPodServing(proxy, current(proxy));
  }

  /** Two Ready pods: one serving the current state, the other {@code served}. */
  private static AuthentikProxy withSecondPodServing(
      AuthentikProxy proxy, Optional<ServedState> served) {
    proxy.setStatus(
        withPods(
            proxy,
            available(2),
            T0,
            pod("sso-proxy-a", true, current(proxy)),
            pod("sso-proxy-b", true, served)));
    return proxy;
  }

  @Test
  void readyIsHealthy() throws IOException {
    assertThat(health(healthy()))
        .isEqualTo(
            new Health(
                "Healthy",
                "every Ready proxy pod serves the current specification, configuration and"
                    + " certificate"));
  }

  @Test
  void aSpecTheOperatorHasNotSeenYetIsProgressingEvenIfTheOldOneWasReady() throws IOException {
    AuthentikProxy proxy = healthy();
    proxy.getMetadata().setGeneration(2L);
    assertThat(health(proxy).status()).isEqualTo("Progressing");
  }

  @Test
  void noStatusYetIsProgressing() throws IOException {
    assertThat(health(StatusModelTest.proxy()).status()).isEqualTo("Progressing");
  }

  @Test
  void podsStillServingTheOldCertificateAreProgressing() throws IOException {
    AuthentikProxy proxy =
        withSecondPodServing(StatusModelTest.proxy(), Optional.of(StatusModelTest.OLD));
    Health health = health(proxy);
    assertThat(health.status()).isEqualTo("Progressing");
    assertThat(health.message()).startsWith("ConfigApplied: 1 of 2 Ready proxy pods serve");
  }

  @Test
  void aPodThatRefusedTheNewFilesIsDegradedWithTheRuntimesWords() throws IOException {
    AuthentikProxy proxy = StatusModelTest.proxy();
    String error = "/etc/akproxy/tls/tls.key: the private key does not match the certificate";
    proxy.setStatus(
        withPods(
            proxy,
            available(1),
            T0,
            pod(
                "sso-proxy-a",
                true,
                Optional.of(
                    new ServedState(
                        StatusModelTest.OLD.configHash(),
                        StatusModelTest.OLD.certificateSerial(),
                        Optional.of(error),
                        false)))));
    Health health = health(proxy);
    assertThat(health.status()).isEqualTo("Degraded");
    assertThat(health.message()).startsWith("ConfigApplied: ").endsWith(error);
  }

  @Test
  void aRolloutInProgressIsProgressingAndAStuckOneDegraded() throws IOException {
    AuthentikProxy proxy = StatusModelTest.proxy();
    Deployment rolling = available(2);
    rolling.getStatus().setUpdatedReplicas(1);
    rolling.getStatus().setReplicas(3);
    proxy.setStatus(withPods(proxy, rolling, T0, pod("sso-proxy-a", true, current(proxy))));
    assertThat(health(proxy).status()).isEqualTo("Progressing");

    rolling
        .getStatus()
        .getConditions()
        .add(
            new DeploymentConditionBuilder()
                .withType("Progressing")
                .withStatus("False")
                .withReason("ProgressDeadlineExceeded")
                .withMessage("ReplicaSet \"sso-proxy-5d8\" has timed out progressing.")
                .build());
    proxy.setStatus(withPods(proxy, rolling, T0, pod("sso-proxy-a", true, current(proxy))));
    Health health = health(proxy);
    assertThat(health.status()).isEqualTo("Degraded");
    assertThat(health.message()).startsWith("Available: ").contains("timed out progressing");
  }

  @Test
  void scaledToZeroAsAskedIsHealthy() throws IOException {
    AuthentikProxy proxy = StatusModelTest.proxy();
    proxy.getSpec().replicas = 0;
    proxy.setStatus(withPods(proxy, available(0), T0));
    assertThat(health(proxy).status()).isEqualTo("Healthy");
  }

  @Test
  void aRefusedApplyIsDegradedWithTheApiServersMessage() throws IOException {
    AuthentikProxy proxy = healthy();
    String message = "admission webhook \"policy.example\" denied the request: no LoadBalancer";
    proxy.setStatus(StatusModel.refused(proxy, message, T0.plusSeconds(5)));
    Health health = health(proxy);
    assertThat(health.status()).isEqualTo("Degraded");
    assertThat(health.message()).isEqualTo(message);
  }

  @Test
  void aSecretNotThereYetIsProgressingAndAnInvalidSpecDegraded() throws IOException {
    AuthentikProxy waiting = StatusModelTest.proxy();
    waiting.setStatus(
        StatusModelTest.next(
            waiting,
            assess(waiting, Optional.empty(), T0),
            Optional.empty(),
            Optional.empty(),
            T0));
    assertThat(health(waiting).status()).isEqualTo("Progressing");

    AuthentikProxy invalid = StatusModelTest.proxy();
    invalid.getSpec().path = "authentik";
    invalid.setStatus(
        StatusModelTest.next(
            invalid, assess(invalid, goodSecret(), T0), Optional.empty(), Optional.empty(), T0));
    Health health = health(invalid);
    assertThat(health.status()).isEqualTo("Degraded");
    assertThat(health.message()).startsWith("Accepted: ").contains("spec.path");
  }
}
