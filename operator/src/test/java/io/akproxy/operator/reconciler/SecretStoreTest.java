package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretStoreTest {

  private static Secret secret(String name, String type, String resourceVersion) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("authentik")
        .withResourceVersion(resourceVersion)
        .addToLabels("app", "x")
        .addToAnnotations(SecretStore.LAST_APPLIED, "{\"data\":{\"password\":\"c2VjcmV0\"}}")
        .addToAnnotations("keep", "me")
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
        .endMetadata()
        .withType(type)
        .addToData("password", "c2VjcmV0")
        .build();
  }

  @Test
  void anUnreferencedSecretOfAnyTypeKeepsNoData() {
    SecretStore store = new SecretStore(key -> false);
    for (String type : Set.of("Opaque", "kubernetes.io/tls", "helm.sh/release.v1")) {
      store.put("authentik/" + type, secret(type, type, "1"));
      Secret kept = store.get("authentik/" + type);
      assertThat(kept.getData()).as(type).isEmpty();
      assertThat(kept.getMetadata().getAnnotations()).as(type).isEmpty();
      assertThat(kept.getMetadata().getManagedFields()).as(type).isEmpty();
      assertThat(kept.getType()).isEqualTo(type);
      assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("1");
      assertThat(store.isWhole("authentik/" + type)).isFalse();
    }
  }

  @Test
  void aReferencedSecretIsKeptWithoutManagedFieldsOrTheLastAppliedCopy() {
    SecretStore store = new SecretStore(key -> key.equals("authentik/sso-tls"));
    store.put("authentik/sso-tls", secret("sso-tls", "kubernetes.io/tls", "1"));
    Secret kept = store.get("authentik/sso-tls");
    assertThat(kept.getData()).containsEntry("password", "c2VjcmV0");
    assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(kept.getMetadata().getAnnotations())
        .doesNotContainKey(SecretStore.LAST_APPLIED)
        .containsEntry("keep", "me");
    assertThat(store.isWhole("authentik/sso-tls")).isTrue();
  }

  @Test
  void aSecretFetchedOnItsFirstReferenceReplacesItsStubUnlessANewerOneArrived() {
    SecretStore store = new SecretStore(key -> false);
    store.put("authentik/sso-tls", secret("sso-tls", "kubernetes.io/tls", "1"));
    store.remember(secret("sso-tls", "kubernetes.io/tls", "2"));
    assertThat(store.isWhole("authentik/sso-tls")).as("an older stub is not replaced").isFalse();
    store.remember(secret("sso-tls", "kubernetes.io/tls", "1"));
    assertThat(store.isWhole("authentik/sso-tls")).isTrue();
    assertThat(store.get("authentik/sso-tls").getData()).containsKey("password");
  }
}
