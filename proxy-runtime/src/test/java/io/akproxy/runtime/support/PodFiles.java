package io.akproxy.runtime.support;

import io.akproxy.config.ProxyConfig;
import java.nio.file.Path;
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
    TestPki pki = TestPki.get();
    TestPki.Issued leaf = pki.leaf(TestPki.ec(), ProxyFixture.SERVER_NAME, "localhost");
    return write(
        root,
        config,
        pki.chainPem(leaf),
        TestPki.keyPem(leaf.keys().getPrivate(), TestPki.KeyFormat.PKCS8));
  }

  public static Path write(Path root, ProxyConfig config, String certPem, String keyPem) {
    ProjectedVolume.create(root.resolve("tls"), Map.of("tls.crt", certPem, "tls.key", keyPem));
    return ProjectedVolume.create(root.resolve("config"), Map.of("proxy.json", config.render()))
        .file("proxy.json");
  }
}
