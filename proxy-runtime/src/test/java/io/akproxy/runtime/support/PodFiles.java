package io.akproxy.runtime.support;

import io.akproxy.config.ProxyConfig;
import io.akproxy.testkit.kubelet.ProjectedVolume;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.runtime.RuntimeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The files a runtime process reads, laid out under {@code root} as the kubelet projects them:
 * {@code tls/tls.crt|tls.key} (a fresh certificate for {@link ProxyFixture#SERVER_NAME} and
 * localhost) and {@code config/proxy.json}.
 */
public final class PodFiles {

  private PodFiles() {}

  /**
   * @return the path of {@code proxy.json}, to pass as {@code --config}
   */
  public static Path write(Path root, ProxyConfig config) {
    Issued leaf = ProxyFixture.serverCertificate();
    return write(root, config, leaf.chainPem(), leaf.keyPem());
  }

  /**
   * The shipped jar run as the image runs it (its JVM flags: testkit's {@link RuntimeProcess}) on
   * one event loop, serving {@code config} from pod files written under {@code root}; ready when
   * this returns. Every listener binds a port the kernel picks ({@code --any-ports}): read them
   * from {@link RuntimeProcess#listening()}, not from {@code config}. Its log is {@code
   * root/runtime.log}.
   */
  public static RuntimeProcess startRuntime(Path root, ProxyConfig config) {
    return startRuntime(write(root, config), root.resolve("runtime.log"));
  }

  /** The same, serving pod files already written ({@code configFile}), logging to {@code log}. */
  public static RuntimeProcess startRuntime(Path configFile, Path log) {
    RuntimeProcess runtime =
        RuntimeProcess.launcher(RuntimeProcess.jar())
            .arguments("--config", configFile.toString(), "--event-loops", "1")
            .anyPorts()
            .log(log)
            .start();
    try {
      runtime.awaitReady(Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    return runtime;
  }

  public static Path write(Path root, ProxyConfig config, String certPem, String keyPem) {
    ProjectedVolume.withText(root.resolve("tls"), Map.of("tls.crt", certPem, "tls.key", keyPem));
    return ProjectedVolume.withText(root.resolve("config"), Map.of("proxy.json", config.render()))
        .file("proxy.json");
  }
}
