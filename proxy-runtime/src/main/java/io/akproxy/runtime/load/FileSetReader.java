package io.akproxy.runtime.load;

import io.akproxy.config.ConfigException;
import io.akproxy.config.ConfigParser;
import io.akproxy.config.ProxyConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code proxy.json} and the files it references (certificate, key, upstream CA). Blocking
 * file I/O: call it off the event loop.
 */
public final class FileSetReader {

  private FileSetReader() {}

  /** The mounted set, the referenced files read where the configuration says. */
  public static FileSet read(Path configFile) {
    return read(configFile, FileRoot.AS_WRITTEN);
  }

  /**
   * The mounted set, the referenced files read from {@code root}. Keys and fingerprints use the
   * paths as the configuration writes them; a problem names the local file too.
   */
  public static FileSet read(Path configFile, FileRoot root) {
    MessageDigest digest = sha256();
    String configName = configFile.toString();
    byte[] configBytes;
    try {
      configBytes = Files.readAllBytes(configFile);
    } catch (IOException e) {
      String reason = reason(e);
      digest.update(("unreadable:" + reason).getBytes(StandardCharsets.UTF_8));
      return new FileSet(
          configName,
          Optional.empty(),
          Optional.empty(),
          Optional.of(reason),
          Map.of(),
          Map.of(),
          fingerprint(digest));
    }
    update(digest, configName, configBytes);
    ProxyConfig config = null;
    ConfigException error = null;
    try {
      config = ConfigParser.parse(new String(configBytes, StandardCharsets.UTF_8));
    } catch (ConfigException e) {
      error = e;
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, String> unreadable = new LinkedHashMap<>();
    if (config != null) {
      for (String file : referencedFiles(config)) {
        Path local = root.local(file);
        try {
          byte[] content = Files.readAllBytes(local);
          files.put(file, content);
          update(digest, file, content);
        } catch (IOException e) {
          String reason = root.isRooted() ? reason(e) + " (read as " + local + ")" : reason(e);
          unreadable.put(file, reason);
          update(digest, file, ("unreadable:" + reason).getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return new FileSet(
        configName,
        Optional.ofNullable(config),
        Optional.ofNullable(error),
        Optional.empty(),
        files,
        unreadable,
        fingerprint(digest));
  }

  /** The files a configuration needs besides itself. */
  public static List<String> referencedFiles(ProxyConfig config) {
    List<String> files = new ArrayList<>();
    files.add(config.tls().certFile());
    files.add(config.tls().keyFile());
    String ca = config.upstream().tls().caFile();
    if (ca != null) {
      files.add(ca);
    }
    return files;
  }

  private static void update(MessageDigest digest, String name, byte[] content) {
    digest.update(name.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
    digest.update(Long.toString(content.length).getBytes(StandardCharsets.US_ASCII));
    digest.update((byte) 0);
    digest.update(content);
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  private static String fingerprint(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
