package io.akproxy.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Wires the operator: client from kubeconfig or the pod's service account, settings from env. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    KubernetesClient client = new KubernetesClientBuilder().build();
    AkproxyOperator operator =
        new AkproxyOperator(client, OperatorSettings.fromEnvironment(System.getenv()));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.stop();
                  client.close();
                },
                "akproxy-operator-shutdown"));
    operator.start();
  }
}
