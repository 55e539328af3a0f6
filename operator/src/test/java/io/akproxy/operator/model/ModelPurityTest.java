package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The model is pure: objects in, objects out. Enforced on the compiled classes, whose constant
 * pools name every class they use, so no import trick or fully qualified name gets past it.
 */
class ModelPurityTest {

  /** Forbidden class-name prefixes (internal form), and why. */
  private static final Map<String, String> FORBIDDEN =
      Map.of(
          "io/fabric8/kubernetes/client/", "the Kubernetes client belongs in the reconciler",
          "io/javaoperatorsdk/", "JOSDK belongs in the dependents and the reconciler",
          "java/net/Socket", "no network I/O in the model",
          "java/net/http/", "no network I/O in the model",
          "java/net/URLConnection", "no network I/O in the model",
          "java/nio/file/", "no file I/O in the model",
          "java/io/File", "no file I/O in the model",
          "org/bouncycastle/", "the JDK parses certificates and keys");

  @Test
  void noModelClassUsesTheClientJosdkOrIo() throws IOException, URISyntaxException {
    Path classes =
        Path.of(ChildrenModel.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("io/akproxy/operator/model");
    List<Path> files;
    try (Stream<Path> listing = Files.list(classes)) {
      files = listing.filter(p -> p.toString().endsWith(".class")).toList();
    }
    assertThat(files).as("compiled model classes").hasSizeGreaterThan(10);
    List<String> violations = new ArrayList<>();
    for (Path file : files) {
      // The constant pool's UTF-8 entries are plain bytes: ISO-8859-1 keeps them one to one.
      String pool = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      FORBIDDEN.forEach(
          (prefix, why) -> {
            if (pool.contains(prefix)) {
              violations.add(file.getFileName() + " uses " + prefix + " (" + why + ")");
            }
          });
    }
    assertThat(violations).isEmpty();
  }
}
