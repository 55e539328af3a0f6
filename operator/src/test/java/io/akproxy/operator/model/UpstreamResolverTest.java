package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestCertificates;
import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.UpstreamScheme;
import io.akproxy.operator.api.UpstreamTlsSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Duration;
import java.util.List;
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

    UpstreamResolution missing =
        UpstreamResolver.resolve(proxy, AUTHENTIK, Optional.empty(), "cluster.local");
    assertThat(missing.verdict().reason()).isEqualTo(Reason.CA_SECRET_NOT_FOUND);

    Secret garbage = caSecret("not pem");
    assertThat(
            UpstreamResolver.resolve(proxy, AUTHENTIK, Optional.of(garbage), "cluster.local")
                .verdict()
                .reason())
        .isEqualTo(Reason.CA_SECRET_INVALID);

    String ca =
        TestCertificates.issue(List.of("authentik.internal"), Duration.ofDays(30)).certPem();
    UpstreamResolution good =
        UpstreamResolver.resolve(proxy, AUTHENTIK, Optional.of(caSecret(ca)), "cluster.local");
    assertThat(good.verdict().holds()).isTrue();
  }

  private static Secret caSecret(String pem) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("authentik-ca")
        .endMetadata()
        .withData(Map.of("ca.crt", TestCertificates.base64(pem)))
        .build();
  }
}
