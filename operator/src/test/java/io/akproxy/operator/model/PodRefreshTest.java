package io.akproxy.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.TestResources;
import io.akproxy.operator.api.AuthentikProxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The digest the operator writes on the Pod objects so the kubelet re-projects their volumes at
 * once: it must change whenever what the pods mount changes, and only then.
 */
class PodRefreshTest {

  private static String refresh(AuthentikProxy proxy, TlsMaterial tls) {
    return PodRefresh.value(
        ChildrenModel.build(
            proxy,
            ProxyConfigFactory.build(proxy, "https://authentik-server.authentik.svc:443"),
            "image",
            tls,
            Optional.empty(),
            "akproxy-system"));
  }

  @Test
  void changesWithTheConfigTheCertificateAndTheUpstreamCaAndOnlyWithThem() {
    AuthentikProxy proxy = TestResources.proxy("authentik", "sso");
    TlsMaterial tls = new TlsMaterial("CERT A", "KEY A", Optional.of("CA A"));
    String before = refresh(proxy, tls);
    assertThat(before).startsWith("sha256:").isEqualTo(refresh(proxy, tls));

    AuthentikProxy otherPath = TestResources.proxy("authentik", "sso");
    otherPath.getSpec().path = "/auth/";
    assertThat(refresh(otherPath, tls)).as("config").isNotEqualTo(before);
    assertThat(refresh(proxy, new TlsMaterial("CERT B", "KEY A", Optional.of("CA A"))))
        .as("certificate")
        .isNotEqualTo(before);
    assertThat(refresh(proxy, new TlsMaterial("CERT A", "KEY A", Optional.of("CA B"))))
        .as("upstream CA")
        .isNotEqualTo(before);
    assertThat(refresh(proxy, new TlsMaterial("CERT A", "KEY A", Optional.empty())))
        .as("upstream CA removed")
        .isNotEqualTo(before);
    // The key goes with its certificate; the digest never depends on it (it is shown on pods).
    assertThat(refresh(proxy, new TlsMaterial("CERT A", "KEY B", Optional.of("CA A"))))
        .isEqualTo(before);
  }
}
