package io.akproxy.operator;

import static org.awaitility.Awaitility.await;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxySpec;
import io.akproxy.operator.api.ServiceRef;
import io.akproxy.operator.api.TlsSpec;
import io.akproxy.operator.api.UpstreamSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
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
