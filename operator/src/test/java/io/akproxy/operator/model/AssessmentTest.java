package io.akproxy.operator.model;

import static io.akproxy.operator.model.StatusModelTest.CERT;
import static io.akproxy.operator.model.StatusModelTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.ServiceSpec;
import io.akproxy.operator.api.ShutdownSpec;
import io.akproxy.operator.api.UpstreamTlsSpec;
import io.akproxy.operator.api.WebSocketSpec;
import io.akproxy.testkit.pki.CertificateAuthority;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the operator concludes from a resource and the objects it names, before any write. */
class AssessmentTest {

  private static final String CA_PEM = CertificateAuthority.sharedIntermediate().rootPem();

  private static Assessment assess(
      AuthentikProxy proxy, Optional<Secret> tlsSecret, Optional<Secret> caSecret) {
    return Assessment.of(
        proxy,
        new ClusterFacts(
            tlsSecret, caSecret, Optional.of(TestResources.authentikService("authentik"))),
        "image",
        "cluster.local",
        "akproxy-system",
        T0);
  }

  private static AuthentikProxy verifyingUpstream() {
    AuthentikProxy proxy = StatusModelTest.proxy();
    proxy.getSpec().upstream.tls = new UpstreamTlsSpec();
    proxy.getSpec().upstream.tls.verify = true;
    proxy.getSpec().upstream.tls.caSecretName = "authentik-ca";
    return proxy;
  }

  private static Secret caSecret() {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("authentik-ca")
        .withNamespace("authentik")
        .endMetadata()
        .withData(Map.of(Names.UPSTREAM_CA_KEY, TestResources.base64(CA_PEM)))
        .build();
  }

  private static String decoded(Secret secret, String key) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  @Test
  void thePodsGetExactlyTheCertificateKeyAndUpstreamCaThatWereChecked() {
    Assessment assessment =
        assess(verifyingUpstream(), StatusModelTest.goodSecret(), Optional.of(caSecret()));
    Secret copy = assessment.children().orElseThrow().tlsSecret();
    assertThat(decoded(copy, "tls.crt")).isEqualTo(CERT.chainPem());
    assertThat(decoded(copy, "tls.key")).isEqualTo(CERT.keyPem());
    assertThat(decoded(copy, Names.UPSTREAM_CA_KEY)).isEqualTo(CA_PEM);
  }

  @Test
  void aMissingTlsSecretIsReportedByTheNameInTheSpec() {
    AuthentikProxy proxy = StatusModelTest.proxy();
    proxy.getSpec().tls.secretName = "login-tls";
    Verdict tls = assess(proxy, Optional.empty(), Optional.empty()).tls().verdict();
    assertThat(tls.reason()).isEqualTo(Reason.SECRET_NOT_FOUND);
    assertThat(tls.message()).contains("Secret login-tls not found");
  }

  @Test
  void aSpecWithoutTlsSecretNameIsNotAccepted() {
    // The CRD requires it; a resource stored before that rule reaches the operator without it.
    AuthentikProxy proxy = StatusModelTest.proxy();
    proxy.getSpec().tls.secretName = null;
    Assessment assessment = assess(proxy, StatusModelTest.goodSecret(), Optional.empty());
    assertThat(assessment.accepted().reason()).isEqualTo(Reason.INVALID_SPEC);
    assertThat(assessment.accepted().message()).isEqualTo("spec.tls.secretName is required");
    assertThat(assessment.children()).isEmpty();
  }

  @Test
  void theOperatorsOwnCopyIsNeverTakenAsTheUsersSecret() {
    // The copy holds what was last validated: reading it back would validate nothing.
    AuthentikProxy copyAsTls = StatusModelTest.proxy();
    copyAsTls.getSpec().tls.secretName = Names.tlsCopy(copyAsTls);
    AuthentikProxy copyAsCa = verifyingUpstream();
    copyAsCa.getSpec().upstream.tls.caSecretName = Names.tlsCopy(copyAsCa);
    for (AuthentikProxy proxy : new AuthentikProxy[] {copyAsTls, copyAsCa}) {
      Assessment assessment = assess(proxy, StatusModelTest.goodSecret(), Optional.of(caSecret()));
      assertThat(assessment.accepted().reason()).isEqualTo(Reason.INVALID_SPEC);
      assertThat(assessment.accepted().message())
          .contains(
              "spec.tls.secretName and spec.upstream.tls.caSecretName must not be sso-proxy-tls");
      assertThat(assessment.children()).isEmpty();
    }
  }

  @Test
  void everySpecErrorIsNamedByItsFieldInOneMessage() {
    AuthentikProxy proxy = StatusModelTest.proxy();
    proxy.getSpec().proxyProtocol = true;
    proxy.getSpec().path = "authentik";
    Verdict accepted = assess(proxy, StatusModelTest.goodSecret(), Optional.empty()).accepted();
    assertThat(accepted.reason()).isEqualTo(Reason.INVALID_SPEC);
    assertThat(accepted.message())
        .startsWith("the specification is invalid: spec.")
        .containsOnlyOnce("; spec.")
        .contains("spec.proxyProtocol: ")
        .contains("spec.path: ");
    assertThat(assess(proxy, StatusModelTest.goodSecret(), Optional.empty()).children()).isEmpty();
  }

  @Test
  void aValueTheCrdWouldRefuseIsStillNamedByItsSpecField() {
    // A resource stored before the CRD had these rules reaches the validator with them broken;
    // the message must name the field the user wrote, not a proxy.json path they never see.
    AuthentikProxy proxy = StatusModelTest.proxy();
    proxy.getSpec().websocket = new WebSocketSpec();
    proxy.getSpec().websocket.maxFrameBytes = 1 << 20;
    proxy.getSpec().websocket.maxMessageBytes = 1024;
    proxy.getSpec().shutdown = new ShutdownSpec();
    proxy.getSpec().shutdown.delaySeconds = -1;
    proxy.getSpec().service = new ServiceSpec();
    proxy.getSpec().service.httpsPort = 70000;
    Verdict accepted = assess(proxy, StatusModelTest.goodSecret(), Optional.empty()).accepted();
    assertThat(accepted.reason()).isEqualTo(Reason.INVALID_SPEC);
    assertThat(accepted.message())
        .contains("spec.websocket.maxMessageBytes: ")
        .contains("spec.shutdown.delaySeconds: ")
        .contains("spec.service.httpsPort: ")
        .doesNotContain("proxy.json");
  }
}
