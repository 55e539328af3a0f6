package io.akproxy.testkit.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the runtime image runs, read from {@code images/proxy-runtime.Dockerfile} itself: the JVM
 * flags of its {@code ENTRYPOINT} and the arguments of its {@code CMD}. Tests that start the
 * runtime jar use these, so they run it exactly as the image does and cannot drift from it.
 */
public record RuntimeImage(List<String> jvmFlags, List<String> defaultArguments) {

  /** The Dockerfile, relative to the repository root. */
  public static final String DOCKERFILE = "images/proxy-runtime.Dockerfile";

  public RuntimeImage {
    jvmFlags = List.copyOf(jvmFlags);
    defaultArguments = List.copyOf(defaultArguments);
  }

  /**
   * The image's Dockerfile found from the working directory upwards (the repository root for {@code
   * make}, a module directory for Maven), or at the {@code akproxy.runtime.dockerfile} system
   * property.
   */
  public static RuntimeImage fromRepository() {
    return read(locate());
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
   * Parses the exec-form {@code ENTRYPOINT ["java", <flags>..., "-jar", <jar>]} and {@code CMD
   * [...]} instructions (continuation lines joined).
   */
  static RuntimeImage parse(String dockerfile) {
    List<String> entrypoint = null;
    List<String> cmd = List.of();
    for (String instruction : instructions(dockerfile)) {
      String keyword = instruction.split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT);
      String rest = instruction.substring(keyword.length()).trim();
      if (keyword.equals("ENTRYPOINT")) {
        entrypoint = jsonStrings(rest, "ENTRYPOINT");
      } else if (keyword.equals("CMD")) {
        cmd = jsonStrings(rest, "CMD");
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
    return new RuntimeImage(entrypoint.subList(1, jar), cmd);
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
