package io.akproxy.testkit.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the runtime image runs, read from {@code images/proxy-runtime.Dockerfile} itself: the JVM
 * flags of its {@code ENTRYPOINT}, the arguments of its {@code CMD}, and the {@code java} commands
 * its build runs to make the class-data-sharing archive. Tests that start the runtime jar use
 * these, so they run it exactly as the image does and cannot drift from it.
 *
 * @param jvmFlags the {@code ENTRYPOINT}'s flags, as written
 * @param trainingCommands each {@code RUN ["java", ...]} of the build, without {@code java}; paths
 *     as in the image ({@value #IMAGE_JAR}, files under {@code /tmp/})
 */
public record RuntimeImage(
    List<String> jvmFlags, List<String> defaultArguments, List<List<String>> trainingCommands) {

  /** The Dockerfile, relative to the repository root. */
  public static final String DOCKERFILE = "images/proxy-runtime.Dockerfile";

  /** Where the image keeps the runtime jar. */
  public static final String IMAGE_JAR = "/app/proxy-runtime.jar";

  private static final String ARCHIVE_FLAG = "-XX:SharedArchiveFile=";

  public RuntimeImage {
    jvmFlags = List.copyOf(jvmFlags);
    defaultArguments = List.copyOf(defaultArguments);
    trainingCommands = trainingCommands.stream().map(List::copyOf).toList();
  }

  public RuntimeImage(List<String> jvmFlags, List<String> defaultArguments) {
    this(jvmFlags, defaultArguments, List.of());
  }

  /**
   * The image's Dockerfile found from the working directory upwards (the repository root for {@code
   * make}, a module directory for Maven), or at the {@code akproxy.runtime.dockerfile} system
   * property, for the jar outside the image: without the image's class-data-sharing archive, which
   * is only valid for the image's JDK and its jar at {@value #IMAGE_JAR} (and a JVM pointed at an
   * archive it cannot use silently runs with no sharing at all, not even the JDK's own). A test of
   * the archive makes one for the jar it runs ({@link #train}) and passes it ({@link
   * #withArchive}).
   */
  public static RuntimeImage fromRepository() {
    return asWritten().withoutArchive();
  }

  /** The repository's Dockerfile as written: with the image's archive flag. */
  public static RuntimeImage asWritten() {
    return read(locate());
  }

  /** The image's archive flag, as written, if it has one. */
  public Optional<String> archiveFlag() {
    return jvmFlags.stream().filter(flag -> flag.startsWith(ARCHIVE_FLAG)).findFirst();
  }

  /** These flags with the archive flag left out. */
  public RuntimeImage withoutArchive() {
    return new RuntimeImage(
        jvmFlags.stream().filter(flag -> !flag.startsWith(ARCHIVE_FLAG)).toList(),
        defaultArguments,
        trainingCommands);
  }

  /** These flags with {@code archive} where the image's archive flag is (or at their end). */
  public RuntimeImage withArchive(Path archive) {
    List<String> flags = new ArrayList<>(withoutArchive().jvmFlags());
    int at = jvmFlags.indexOf(archiveFlag().orElse(""));
    flags.add(at < 0 ? flags.size() : at, ARCHIVE_FLAG + archive.toAbsolutePath());
    return new RuntimeImage(flags, defaultArguments, trainingCommands);
  }

  /**
   * Runs the image build's training commands for {@code jar}, with the files they write under
   * {@code dir} instead of {@code /tmp/}, and returns the archive the last one wrote. Fails with a
   * command's output when it does not exit 0.
   */
  public Path train(Path jar, Path dir) throws IOException, InterruptedException {
    if (trainingCommands.isEmpty()) {
      throw new IllegalStateException("the Dockerfile runs no java command to train an archive");
    }
    Path archive = null;
    int step = 0;
    for (List<String> command : trainingCommands) {
      step++;
      List<String> local = new ArrayList<>();
      local.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      local.addAll(outsideTheImage(command, jar, dir));
      for (String argument : local) {
        if (argument.startsWith(ARCHIVE_FLAG)) {
          archive = Path.of(argument.substring(ARCHIVE_FLAG.length()));
        }
      }
      Path output = dir.resolve("training-" + step + ".log");
      Process process =
          new ProcessBuilder(local)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("training command timed out: " + local);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "training command exited "
                + process.exitValue()
                + ": "
                + local
                + "\n"
                + Files.readString(output));
      }
    }
    if (archive == null || !Files.isRegularFile(archive)) {
      throw new IllegalStateException("the training commands wrote no archive (" + archive + ")");
    }
    return archive;
  }

  static Path locate() {
    String configured = System.getProperty("akproxy.runtime.dockerfile");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(DOCKERFILE);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        DOCKERFILE + " not found above " + Path.of("").toAbsolutePath());
  }

  public static RuntimeImage read(Path dockerfile) {
    try {
      return parse(Files.readString(dockerfile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One training command's arguments for {@code jar} outside the image: the files it writes under
   * {@code /tmp/} go to {@code dir}, the image's jar is {@code jar}. The image's own arguments are
   * mapped, never the local paths that replace them (which may well be under /tmp/ themselves).
   */
  static List<String> outsideTheImage(List<String> command, Path jar, Path dir) {
    List<String> local = new ArrayList<>();
    for (String argument : command) {
      local.add(
          argument
              .replace("/tmp/", dir.toAbsolutePath() + "/")
              .replace(IMAGE_JAR, jar.toAbsolutePath().toString()));
    }
    return local;
  }

  /**
   * Parses the exec-form {@code ENTRYPOINT ["java", <flags>..., "-jar", <jar>]} and {@code CMD
   * [...]} instructions (continuation lines joined).
   */
  static RuntimeImage parse(String dockerfile) {
    List<String> entrypoint = null;
    List<String> cmd = List.of();
    List<List<String>> training = new ArrayList<>();
    for (String instruction : instructions(dockerfile)) {
      String keyword = instruction.split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT);
      String rest = instruction.substring(keyword.length()).trim();
      if (keyword.equals("ENTRYPOINT")) {
        entrypoint = jsonStrings(rest, "ENTRYPOINT");
      } else if (keyword.equals("CMD")) {
        cmd = jsonStrings(rest, "CMD");
      } else if (keyword.equals("RUN") && rest.startsWith("[")) {
        List<String> run = jsonStrings(rest, "RUN");
        if (!run.isEmpty() && run.get(0).equals("java")) {
          training.add(run.subList(1, run.size()));
        }
      }
    }
    if (entrypoint == null) {
      throw new IllegalArgumentException("the Dockerfile has no ENTRYPOINT");
    }
    int jar = entrypoint.indexOf("-jar");
    if (entrypoint.isEmpty() || !entrypoint.get(0).equals("java") || jar < 0) {
      throw new IllegalArgumentException(
          "ENTRYPOINT is not [\"java\", flags..., \"-jar\", jar]: " + entrypoint);
    }
    return new RuntimeImage(entrypoint.subList(1, jar), cmd, training);
  }

  private static List<String> instructions(String dockerfile) {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : dockerfile.lines().toList()) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      if (current.length() > 0) {
        instructions.add(current.toString().strip());
      }
      current.setLength(0);
    }
    return instructions;
  }

  /** A JSON array of strings, as exec-form instructions hold. */
  private static List<String> jsonStrings(String text, String instruction) {
    List<String> values = new ArrayList<>();
    int i = skipSpace(text, 0);
    if (i >= text.length() || text.charAt(i) != '[') {
      throw new IllegalArgumentException(instruction + " is not in exec form: " + text);
    }
    i = skipSpace(text, i + 1);
    while (i < text.length() && text.charAt(i) != ']') {
      if (text.charAt(i) != '"') {
        throw new IllegalArgumentException(
            instruction + ": expected a string at " + i + ": " + text);
      }
      StringBuilder value = new StringBuilder();
      i++;
      while (text.charAt(i) != '"') {
        char c = text.charAt(i++);
        value.append(c == '\\' ? text.charAt(i++) : c);
      }
      values.add(value.toString());
      i = skipSpace(text, i + 1);
      if (i < text.length() && text.charAt(i) == ',') {
        i = skipSpace(text, i + 1);
      }
    }
    return values;
  }

  private static int skipSpace(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }
}
