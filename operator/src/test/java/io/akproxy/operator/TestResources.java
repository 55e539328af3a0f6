package io.akproxy.operator;

import static org.awaitility.Awaitility.await;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxySpec;
import io.akproxy.operator.api.ServiceRef;
import io.akproxy.operator.api.TlsSpec;
import io.akproxy.operator.api.UpstreamSpec;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Typical objects for tests, and what a user does to them. */
public final class TestResources {

  public static final String TLS_SECRET = "sso-tls";
  public static final String UPSTREAM_SERVICE = "authentik-server";

  private TestResources() {}

  /** sso.example.com in front of Service authentik-server port https, Secret sso-tls. */
  public static AuthentikProxy proxy(String namespace, String name) {
    AuthentikProxy proxy = new AuthentikProxy();
    proxy.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withGeneration(1L)
            .withUid("uid-" + name)
            .build());
    AuthentikProxySpec spec = new AuthentikProxySpec();
    spec.hosts = List.of("sso.example.com");
    spec.upstream = new UpstreamSpec();
    spec.upstream.service = new ServiceRef();
    spec.upstream.service.name = UPSTREAM_SERVICE;
    spec.upstream.service.port = new IntOrString("https");
    spec.tls = new TlsSpec();
    spec.tls.secretName = TLS_SECRET;
    proxy.setSpec(spec);
    return proxy;
  }

  /** authentik's Helm chart Service: http 80 and https 443. */
  public static Service authentikService(String namespace) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(UPSTREAM_SERVICE)
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withTargetPort(new IntOrString(9000))
        .endPort()
        .addNewPort()
        .withName("https")
        .withPort(443)
        .withTargetPort(new IntOrString(9443))
        .endPort()
        .endSpec()
        .build();
  }

  /** A certificate for sso.example.com, valid from now for cert-manager's 90 days. */
  public static Issued ssoCertificate() {
    return Certificates.forHosts("sso.example.com").issue();
  }

  /** A {@code kubernetes.io/tls} Secret holding {@code issued}, as cert-manager writes it. */
  public static Secret tlsSecret(String namespace, String name, Issued issued) {
    return tlsSecret(namespace, name, issued.tlsSecretData());
  }

  /**
   * A {@code kubernetes.io/tls} Secret with this PEM text, for contents cert-manager never writes.
   */
  public static Secret tlsSecret(String namespace, String name, String certPem, String keyPem) {
    return tlsSecret(
        namespace, name, Map.of("tls.crt", base64(certPem), "tls.key", base64(keyPem)));
  }

  private static Secret tlsSecret(String namespace, String name, Map<String, String> data) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(data)
        .build();
  }

  /** Secret data as the API server holds it. */
  public static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Edits the resource like a user would, retrying when one of the operator's status writes came
   * first (409).
   */
  public static void editProxy(
      KubernetesClient kube, String namespace, String name, Consumer<AuthentikProxy> change) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreException(KubernetesClientException.class)
        .until(
            () ->
                kube.resources(AuthentikProxy.class)
                        .inNamespace(namespace)
                        .withName(name)
                        .edit(
                            p -> {
                              change.accept(p);
                              return p;
                            })
                    != null);
  }
}
