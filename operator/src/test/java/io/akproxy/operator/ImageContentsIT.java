package io.akproxy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the operator image ships (target/operator.jar, target/lib/, target/operator.cdx.json, see
 * images/operator.Dockerfile): one version of each library family, the ones the parent pom
 * declares, no BouncyCastle, and an SBOM that says so.
 */
class ImageContentsIT {

  private static final Path TARGET = Path.of("target");
  private static final Pattern JAR = Pattern.compile("^(?<name>.+?)-(?<version>\\d[^/]*)\\.jar$");

  /** artifactId of every jar in lib/, to its versions. */
  private static Map<String, List<String>> jars() throws IOException {
    try (Stream<Path> jars = Files.list(TARGET.resolve("lib"))) {
      return jars.map(p -> JAR.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .collect(
              Collectors.groupingBy(
                  m -> m.group("name"),
                  Collectors.mapping(m -> m.group("version"), Collectors.toList())));
    }
  }

  /** artifactId of every jar in lib/, to its only version. */
  private static Map<String, String> lib() throws IOException {
    return jars().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0)));
  }

  @Test
  void libHoldsOneVersionOfEachLibrary() throws IOException {
    assertThat(jars()).allSatisfy((name, versions) -> assertThat(versions).as(name).hasSize(1));
  }

  @Test
  void everyMicrometerModuleIsTheDeclaredVersion() throws IOException {
    String declared = System.getProperty("akproxy.micrometer.version");
    Map<String, String> micrometer =
        lib().entrySet().stream()
            // micrometer-support is JOSDK's, of JOSDK's version.
            .filter(e -> e.getKey().startsWith("micrometer-"))
            .filter(e -> !e.getKey().equals("micrometer-support"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(micrometer).containsKeys("micrometer-core", "micrometer-registry-prometheus");
    assertThat(micrometer.values())
        .as("Micrometer modules in lib/: %s", micrometer)
        .containsOnly(declared);
  }

  @Test
  void everyJacksonModuleIsTheDeclaredVersion() throws IOException {
    String declared = System.getProperty("akproxy.jackson.version");
    // jackson-annotations carries only major.minor from 2.20 on.
    String minor = declared.substring(0, declared.lastIndexOf('.'));
    Map<String, String> jackson =
        lib().entrySet().stream()
            .filter(e -> e.getKey().startsWith("jackson-"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(jackson).containsKeys("jackson-databind", "jackson-core");
    assertThat(jackson)
        .as("Jackson modules in lib/")
        .allSatisfy((name, version) -> assertThat(version).isIn(declared, minor));
  }

  @Test
  void bouncyCastleIsNotShipped() throws IOException {
    assertThat(lib().keySet()).noneMatch(name -> name.startsWith("bc"));
  }

  @Test
  void theSbomListsWhatLibHolds() throws IOException {
    Path sbom = TARGET.resolve("operator.cdx.json");
    assertThat(sbom).as("the SBOM images/operator.Dockerfile copies").exists();
    JsonNode bom = new ObjectMapper().readTree(sbom.toFile());
    assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
    List<String> components =
        bom.path("components").findValues("purl").stream().map(JsonNode::asText).toList();
    Map<String, String> lib = lib();
    assertThat(lib).isNotEmpty();
    lib.forEach(
        (name, version) ->
            assertThat(components)
                .as("the SBOM lists %s %s", name, version)
                .anyMatch(purl -> purl.contains("/" + name + "@" + version)));
    assertThat(components).noneMatch(purl -> purl.contains("org.bouncycastle"));
  }
}
