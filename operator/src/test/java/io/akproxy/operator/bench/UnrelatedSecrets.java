package io.akproxy.operator.bench;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Secrets a busy namespace holds that no AuthentikProxy refers to, in a realistic mix: small
 * application Secrets (half applied with kubectl, so with a last-applied annotation repeating
 * them), cert-manager TLS Secrets, registry credentials, legacy service-account tokens, and Helm
 * release Secrets of 10 to 500 KB. Every one carries the managedFields an API server adds.
 */
final class UnrelatedSecrets {

  private UnrelatedSecrets() {}

  static void create(KubernetesClient kube, String namespace, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < count; i++) {
      Secret secret = secret(namespace, i);
      pool.execute(() -> kube.resource(secret).create());
    }
    pool.shutdown();
    if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
      throw new IllegalStateException("creating the unrelated Secrets took too long");
    }
  }

  /** 60% Opaque, 15% TLS, 10% registry, 10% token, 5% Helm release. */
  static Secret secret(String namespace, int i) {
    Random random = new Random(i);
    int kind = i % 20;
    String type;
    Map<String, String> data;
    boolean kubectlApplied = false;
    if (kind < 12) {
      type = "Opaque";
      data = Map.of("password", bytes(random, 32), "config.yaml", bytes(random, 1024 + i % 3072));
      kubectlApplied = i % 2 == 0;
    } else if (kind < 15) {
      type = "kubernetes.io/tls";
      data = Map.of("tls.crt", bytes(random, 2600), "tls.key", bytes(random, 1700));
    } else if (kind < 17) {
      type = "kubernetes.io/dockerconfigjson";
      data = Map.of(".dockerconfigjson", bytes(random, 600));
    } else if (kind < 19) {
      type = "kubernetes.io/service-account-token";
      data = Map.of("token", bytes(random, 1000), "ca.crt", bytes(random, 1100));
    } else {
      type = "helm.sh/release.v1";
      // 10 KB to 500 KB, gzip+base64 in real life: incompressible here too.
      data = Map.of("release", bytes(random, 10 * 1024 + (i / 20 % 50) * 10 * 1024));
    }
    SecretBuilder builder =
        new SecretBuilder()
            .withNewMetadata()
            .withName("unrelated-" + i)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/name", "app-" + i % 37)
            .withManagedFields(
                new ManagedFieldsEntryBuilder()
                    .withManager(kubectlApplied ? "kubectl-client-side-apply" : "helm")
                    .withOperation("Update")
                    .withApiVersion("v1")
                    .withFieldsType("FieldsV1")
                    .withNewFieldsV1()
                    .addToAdditionalProperties("f:data", Map.of("f:password", Map.of()))
                    .addToAdditionalProperties("f:type", Map.of())
                    .endFieldsV1()
                    .build())
            .endMetadata()
            .withType(type)
            .withData(data);
    if (kubectlApplied) {
      builder
          .editMetadata()
          .addToAnnotations(
              "kubectl.kubernetes.io/last-applied-configuration",
              "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"data\":" + data + "}")
          .endMetadata();
    }
    return builder.build();
  }

  private static String bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
