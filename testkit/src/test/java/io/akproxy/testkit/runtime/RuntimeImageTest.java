package io.akproxy.testkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeImageTest {

  @Test
  void readsTheJvmFlagsOfTheEntrypointAndTheArgumentsOfCmd() {
    RuntimeImage image =
        RuntimeImage.parse(
            """
            FROM gcr.io/distroless/java17-debian12:nonroot
            # a comment with ENTRYPOINT ["nope"]
            ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xmx64m", \\
                        "-Dquoted=\\"x\\"", \\
                        "-jar", "/app/proxy-runtime.jar"]
            CMD ["--config", "/etc/akproxy/config/proxy.json"]
            """);

    assertThat(image.jvmFlags()).containsExactly("-XX:+UseSerialGC", "-Xmx64m", "-Dquoted=\"x\"");
    assertThat(image.defaultArguments())
        .containsExactly("--config", "/etc/akproxy/config/proxy.json");
  }

  @Test
  void readsTheBuildsJavaCommandsAndSwapsTheArchiveForOneMadeOutsideTheImage() {
    RuntimeImage image =
        RuntimeImage.parse(
            """
            FROM base AS training
            RUN ["java", "-XX:DumpLoadedClassList=/tmp/a.classlist", "-cp", "/app/proxy-runtime.jar", "T"]
            RUN ["/bin/other", "x"]
            RUN echo shell form
            RUN ["java", "-Xshare:dump", "-XX:SharedArchiveFile=/tmp/a.jsa"]
            FROM base
            ENTRYPOINT ["java", "-Xmx64m", "-XX:SharedArchiveFile=/app/a.jsa", "-Dx=1", \
                        "-jar", "/app/proxy-runtime.jar"]
            """);

    assertThat(image.trainingCommands())
        .containsExactly(
            List.of("-XX:DumpLoadedClassList=/tmp/a.classlist", "-cp", RuntimeImage.IMAGE_JAR, "T"),
            List.of("-Xshare:dump", "-XX:SharedArchiveFile=/tmp/a.jsa"));
    assertThat(image.archiveFlag()).contains("-XX:SharedArchiveFile=/app/a.jsa");
    assertThat(image.withoutArchive().jvmFlags()).containsExactly("-Xmx64m", "-Dx=1");
    assertThat(image.withArchive(Path.of("/work/a.jsa")).jvmFlags())
        .containsExactly("-Xmx64m", "-XX:SharedArchiveFile=/work/a.jsa", "-Dx=1");
  }

  @Test
  void aTrainingCommandRunsOutsideTheImageWithTheLocalJarAndDirectoryEvenUnderTmp() {
    List<String> command =
        List.of(
            "-Djava.io.tmpdir=/tmp",
            "-XX:SharedArchiveFile=/tmp/a.jsa",
            "-cp",
            "/app/proxy-runtime.jar");

    assertThat(
            RuntimeImage.outsideTheImage(
                command, Path.of("/tmp/clone/proxy-runtime.jar"), Path.of("/tmp/work")))
        .containsExactly(
            "-Djava.io.tmpdir=/tmp",
            "-XX:SharedArchiveFile=/tmp/work/a.jsa",
            "-cp",
            "/tmp/clone/proxy-runtime.jar");
  }

  @Test
  void refusesAnEntrypointThatIsNotJavaDashJar() {
    assertThatThrownBy(() -> RuntimeImage.parse("ENTRYPOINT [\"/app/run.sh\"]\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ENTRYPOINT is not");
    assertThatThrownBy(() -> RuntimeImage.parse("ENTRYPOINT java -jar x.jar\n"))
        .hasMessageContaining("exec form");
  }

  @Test
  void theRepositorysDockerfileIsFoundAndEveryFlagItPassesIsKept() throws Exception {
    Path dockerfile = RuntimeImage.locate();
    String text = Files.readString(dockerfile);

    RuntimeImage image = RuntimeImage.read(dockerfile);

    assertThat(image.jvmFlags()).isNotEmpty().allMatch(flag -> flag.startsWith("-"));
    for (String flag : image.jvmFlags()) {
      assertThat(text).contains("\"" + flag + "\"");
    }
    assertThat(image.defaultArguments()).contains("--config");
    // Outside the image, its archive (made for its JDK and its jar) is left out.
    assertThat(image.archiveFlag()).isPresent();
    assertThat(RuntimeImage.fromRepository().jvmFlags())
        .containsExactlyElementsOf(image.withoutArchive().jvmFlags())
        .noneMatch(flag -> flag.startsWith("-XX:SharedArchiveFile"));
    assertThat(image.trainingCommands()).hasSize(2);
  }

  @Test
  void theLaunchCommandIsTheImagesWithTheJarAndTheArgumentsGiven() {
    RuntimeImage image = new RuntimeImage(List.of("-Xmx64m"), List.of("--config", "/etc/x.json"));
    Path jar = Path.of("/tmp/proxy-runtime.jar");

    List<String> given =
        RuntimeProcess.launcher(jar)
            .image(image)
            .extraJvmFlags("-Dextra=1")
            .arguments("--config", "/tmp/proxy.json")
            .command();
    List<String> defaults = RuntimeProcess.launcher(jar).image(image).command();

    assertThat(given.subList(1, given.size()))
        .containsExactly(
            "-Xmx64m", "-Dextra=1", "-jar", jar.toString(), "--config", "/tmp/proxy.json");
    assertThat(given.get(0)).endsWith("/bin/java");
    assertThat(defaults.subList(1, defaults.size()))
        .containsExactly("-Xmx64m", "-jar", jar.toString(), "--config", "/etc/x.json");
  }
}
