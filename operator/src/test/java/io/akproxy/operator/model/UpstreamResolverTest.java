package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.UpstreamScheme;
import io.akproxy.operator.api.UpstreamTlsSpec;
import io.akproxy.testkit.pki.CertificateAuthority;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpstreamResolverTest {

  private static final Optional<Service> AUTHENTIK =
      Optional.of(TestResources.authentikService("authentik"));

  private static UpstreamResolution resolve(AuthentikProxy proxy, Optional<Service> service) {
    return UpstreamResolver.resolve(proxy, service, Optional.empty(), "cluster.local");
  }

  private static AuthentikProxy withPort(IntOrString port) {
    AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
    proxy.getSpec().upstream.service.port = port;
    return proxy;
  }

  @Test
  void aPortNameResolvesToTheServicesClusterNameAndPort() {
    UpstreamResolution resolution = resolve(withPort(new IntOrString("https")), AUTHENTIK);
    assertThat(resolution.verdict().reason()).isEqualTo(Reason.SERVICE_RESOLVED);
    assertThat(resolution.url())
        .contains("https://authentik-server.authentik.svc.cluster.local:443");
  }

  @Test
  void aPortNumberResolvesAndAPortCalledHttpIsSpokenInPlainHttp() {
    assertThat(resolve(withPort(new IntOrString(80)), AUTHENTIK).url())
        .contains("http://authentik-server.authentik.svc.cluster.local:80");
    AuthentikProxy explicit = withPort(new IntOrString(80));
    explicit.getSpec().upstream.service.scheme = UpstreamScheme.HTTPS;
    assertThat(resolve(explicit, AUTHENTIK).url())
        .contains("https://authentik-server.authentik.svc.cluster.local:80");
  }

  @Test
  void theClusterDomainIsConfigurable() {
    assertThat(
            UpstreamResolver.resolve(
                    withPort(new IntOrString("https")),
                    AUTHENTIK,
                    Optional.empty(),
                    "corp.internal")
                .url())
        .contains("https://authentik-server.authentik.svc.corp.internal:443");
  }

  @Test
  void aMissingServiceOrPortSaysWhatExists() {
    UpstreamResolution missing = resolve(withPort(new IntOrString("https")), Optional.empty());
    assertThat(missing.verdict().holds()).isFalse();
    assertThat(missing.verdict().reason()).isEqualTo(Reason.SERVICE_NOT_FOUND);
    assertThat(missing.verdict().message()).contains("authentik-server").contains("authentik");
    assertThat(missing.url()).isEmpty();

    UpstreamResolution port = resolve(withPort(new IntOrString(9443)), AUTHENTIK);
    assertThat(port.verdict().reason()).isEqualTo(Reason.SERVICE_PORT_NOT_FOUND);
    assertThat(port.verdict().message()).contains("9443").contains("http/80, https/443");
  }

  @Test
  void aUrlIsTakenAsItIs() {
    AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
    proxy.getSpec().upstream.service = null;
    proxy.getSpec().upstream.url = "https://authentik.internal:9443/";
    UpstreamResolution resolution = resolve(proxy, Optional.empty());
    assertThat(resolution.verdict().reason()).isEqualTo(Reason.URL_CONFIGURED);
    assertThat(resolution.url()).contains("https://authentik.internal:9443");
  }

  @Test
  void aNamedCaSecretMustExistAndHoldAPemBundle() {
    AuthentikProxy proxy = withPort(new IntOrString("https"));
    proxy.getSpec().upstream.tls = new UpstreamTlsSpec();
    proxy.getSpec().upstream.tls.verify = true;
    proxy.getSpec().upstream.tls.caSecretName = "authentik-ca";

    Verdict missing = withCa(proxy, Optional.empty());
    assertThat(missing.reason()).isEqualTo(Reason.CA_SECRET_NOT_FOUND);
    assertThat(missing.message()).contains("authentik-ca").contains("upstream.tls.caSecretName");

    Verdict garbage = withCa(proxy, Optional.of(caSecret("ca.crt", "not pem")));
    assertThat(garbage.reason()).isEqualTo(Reason.CA_SECRET_INVALID);
    assertThat(garbage.message()).contains("authentik-ca").contains("not a PEM certificate");

    String ca = CertificateAuthority.sharedIntermediate().rootPem();
    // The bundle under another key, as in a kubernetes.io/tls Secret's tls.crt.
    Verdict elsewhere = withCa(proxy, Optional.of(caSecret("tls.crt", ca)));
    assertThat(elsewhere.reason()).isEqualTo(Reason.CA_SECRET_INVALID);
    assertThat(elsewhere.message()).contains("authentik-ca").contains("has no ca.crt");

    assertThat(withCa(proxy, Optional.of(caSecret("ca.crt", ca))).holds()).isTrue();
  }

  @Test
  void aServiceWithoutPortsSaysSo() {
    // An ExternalName Service has no ports to forward to.
    Service externalName =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(TestResources.UPSTREAM_SERVICE)
            .withNamespace("authentik")
            .endMetadata()
            .withNewSpec()
            .withType("ExternalName")
            .withExternalName("authentik.example.net")
            .endSpec()
            .build();
    Verdict verdict =
        resolve(withPort(new IntOrString("https")), Optional.of(externalName)).verdict();
    assertThat(verdict.reason()).isEqualTo(Reason.SERVICE_PORT_NOT_FOUND);
    assertThat(verdict.message()).contains("has no port https").contains("its ports: none");
  }

  @Test
  void aResourceStoredWithoutTheSchemaStillGetsAConditionNamingTheField() {
    // The CRD requires upstream.service or upstream.url, and a port for a service; a resource
    // stored before the CRD had those rules reaches the operator without them.
    AuthentikProxy neither = TestResources.proxy("authentik", "sso");
    neither.getSpec().upstream.service = null;
    UpstreamResolution none = resolve(neither, AUTHENTIK);
    assertThat(none.verdict().reason()).isEqualTo(Reason.SERVICE_NOT_FOUND);
    assertThat(none.verdict().message()).contains("upstream.service or upstream.url");
    assertThat(none.url()).isEmpty();

    Verdict noPort = resolve(withPort(null), AUTHENTIK).verdict();
    assertThat(noPort.reason()).isEqualTo(Reason.SERVICE_PORT_NOT_FOUND);
    assertThat(noPort.message()).contains("has no port (none)").contains("http/80, https/443");
  }

  private static Verdict withCa(AuthentikProxy proxy, Optional<Secret> caSecret) {
    return UpstreamResolver.resolve(proxy, AUTHENTIK, caSecret, "cluster.local").verdict();
  }

  private static Secret caSecret(String key, String pem) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("authentik-ca")
        .endMetadata()
        .withData(Map.of(key, TestResources.base64(pem)))
        .build();
  }
}
