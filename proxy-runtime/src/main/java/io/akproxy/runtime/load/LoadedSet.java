package io.akproxy.runtime.load;

import io.akproxy.config.ConfigError;
import io.akproxy.config.ProxyConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A file set that passed every check and can be served: the configuration, the certificate with its
 * key, and the upstream CA bundle when one is configured.
 *
 * @param upstreamCaPem the CA bundle's PEM bytes, present only with {@code upstream.tls.caFile}
 */
public record LoadedSet(
    ProxyConfig config,
    String configHash,
    CertificateMaterial certificate,
    Optional<byte[]> upstreamCaPem,
    String fingerprint) {

  /**
   * Checks a file set as a whole.
   *
   * @throws LoadException with every problem, each naming its file and reason
   */
  public static LoadedSet from(FileSet files, Instant now) throws LoadException {
    if (files.configUnreadable().isPresent()) {
      throw new LoadException(files.configFile() + ": " + files.configUnreadable().get());
    }
    if (files.configError().isPresent()) {
      List<String> problems = new ArrayList<>();
      for (ConfigError error : files.configError().get().errors()) {
        problems.add(files.configFile() + ": " + error);
      }
      throw new LoadException(problems);
    }
    ProxyConfig config = files.config().orElseThrow();
    List<String> problems = new ArrayList<>();
    files.unreadable().forEach((file, reason) -> problems.add(file + ": " + reason));
    if (!problems.isEmpty()) {
      throw new LoadException(problems);
    }
    String certFile = config.tls().certFile();
    String keyFile = config.tls().keyFile();
    CertificateMaterial certificate =
        CertificateMaterial.load(
            files.files().get(certFile), certFile, files.files().get(keyFile), keyFile, now);
    Optional<byte[]> ca = Optional.empty();
    String caFile = config.upstream().tls().caFile();
    if (caFile != null) {
      byte[] caPem = files.files().get(caFile);
      if (PemCertificates.parse(caPem).isEmpty()) {
        throw new LoadException(
            caFile + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
      }
      ca = Optional.of(caPem.clone());
    }
    return new LoadedSet(config, config.hash(), certificate, ca, files.fingerprint());
  }

  @Override
  public String toString() {
    return "LoadedSet[" + configHash + ", " + certificate + "]";
  }
}
