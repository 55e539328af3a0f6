package io.akproxy.operator.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The annotation the operator sets on each proxy Pod object (never on the pod template, which would
 * roll the pods) after it changed what the pods mount. The kubelet re-projects a pod's ConfigMap
 * and Secret volumes when it syncs the pod, which it does at once when the Pod object changes and
 * otherwise only at its periodic sync (60-90 s): the annotation makes a change reach the pods in
 * seconds.
 */
public final class PodRefresh {

  /** On the Pod objects: a digest of what the pods are given (config, certificate, CA). */
  public static final String ANNOTATION = "akproxy.io/config-hash";

  private PodRefresh() {}

  /**
   * {@code sha256:<hex>} of the rendered proxy.json and the public parts of the TLS copy (the
   * certificate chain and the upstream CA; never the key): it changes whenever the pods must
   * reload.
   */
  public static String value(DesiredChildren children) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    update(digest, children.configMap().getData(), Names.CONFIG_KEY);
    update(digest, children.tlsSecret().getData(), TlsSecretInspector.CERT_KEY);
    update(digest, children.tlsSecret().getData(), Names.UPSTREAM_CA_KEY);
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, Map<String, String> data, String key) {
    String value = data == null ? null : data.get(key);
    digest.update(
        (key + "=" + (value == null ? "" : value) + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
