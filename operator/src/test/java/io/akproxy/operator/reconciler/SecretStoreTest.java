package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretStoreTest {

  private static Secret secret(String name, String type) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("authentik")
        .withResourceVersion("7")
        .endMetadata()
        .withType(type)
        .withData(Map.of("key", "dmFsdWU="))
        .build();
  }

  @Test
  void keepsTheContentsOfTlsAndOpaqueSecretsOnly() {
    SecretStore store = new SecretStore();
    for (Secret secret :
        new Secret[] {
          secret("tls", "kubernetes.io/tls"),
          secret("ca", "Opaque"),
          secret("release", "helm.sh/release.v1"),
          secret("token", "kubernetes.io/service-account-token")
        }) {
      store.put(store.getKey(secret), secret);
    }
    assertThat(store.get("authentik/tls").getData()).containsKey("key");
    assertThat(store.get("authentik/ca").getData()).containsKey("key");
    Secret release = store.get("authentik/release");
    assertThat(release.getData()).isEmpty();
    assertThat(release.getType()).isEqualTo("helm.sh/release.v1");
    assertThat(release.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(store.get("authentik/token").getData()).isEmpty();
  }
}
