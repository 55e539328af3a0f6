package io.akproxy.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.akproxy.operator.model.Assessment;
import io.akproxy.operator.model.ClusterFacts;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples users copy are admitted by the CRD and accepted by the operator; deliberately bad
 * resources are rejected at admission with a message that names the problem.
 */
class ExamplesTest {

  static final Path EXAMPLES = Path.of("..", "deploy", "examples");
  static final Path INVALID = Path.of("src", "test", "resources", "invalid");

  private static CrdSchemaValidator validator;

  @BeforeAll
  static void load() throws IOException {
    validator = new CrdSchemaValidator(CrdTest.COMMITTED);
  }

  static Stream<Path> examples() throws IOException {
    return Files.list(EXAMPLES).filter(p -> p.toString().endsWith(".yaml")).sorted();
  }

  static Stream<Path> invalid() throws IOException {
    return Files.list(INVALID).filter(p -> p.toString().endsWith(".yaml")).sorted();
  }

  @Test
  void everyCelRuleCompiles() {
    assertThat(validator.compileAll()).isEmpty();
  }

  @Test
  void thereAreExamplesForEveryDocumentedSetup() throws IOException {
    assertThat(examples().map(p -> p.getFileName().toString()))
        .contains(
            "minimal.yaml",
            "cert-manager.yaml",
            "load-balancer.yaml",
            "sub-path.yaml",
            "external-upstream.yaml");
  }

  @ParameterizedTest
  @MethodSource("examples")
  void anExampleIsAdmittedAndAccepted(Path file) throws IOException {
    List<JsonNode> proxies = authentikProxies(file);
    assertThat(proxies).as("%s holds an AuthentikProxy", file).isNotEmpty();
    for (JsonNode proxy : proxies) {
      assertThat(validator.validate(proxy)).as("admission of %s", file).isEmpty();
      AuthentikProxy typed =
          new KubernetesSerialization()
              .unmarshal(CrdSchemaValidator.YAML.writeValueAsString(proxy), AuthentikProxy.class);
      Assessment assessment =
          Assessment.of(
              typed,
              new ClusterFacts(Optional.empty(), Optional.empty(), Optional.empty()),
              "image",
              "cluster.local",
              "akproxy-system",
              Instant.now());
      assertThat(assessment.accepted().holds())
          .as("%s: %s", file, assessment.accepted().message())
          .isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void aBadResourceIsRejectedAtAdmissionWithAMessageNamingTheProblem(Path file) throws IOException {
    String text = Files.readString(file);
    String expected = text.lines().findFirst().orElseThrow().replaceFirst("^# rejected: ", "");
    List<String> errors = validator.validate(authentikProxies(file).get(0));
    assertThat(errors).as(file.toString()).isNotEmpty();
    assertThat(String.join("\n", errors)).as(file.toString()).contains(expected);
  }

  private static List<JsonNode> authentikProxies(Path file) throws IOException {
    List<JsonNode> proxies = new ArrayList<>();
    try (MappingIterator<JsonNode> documents =
        CrdSchemaValidator.YAML.readerFor(JsonNode.class).readValues(Files.readString(file))) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if ("AuthentikProxy".equals(document.path("kind").asText())) {
          proxies.add(document);
        }
      }
    }
    return proxies;
  }
}
