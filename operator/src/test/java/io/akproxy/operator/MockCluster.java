package io.akproxy.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server in CRUD mode, with two clients told apart by their User-Agent: one for
 * the operator, one for the test, so the test can count exactly the operator's write requests.
 */
public final class MockCluster implements AutoCloseable {

  public static final String TEST_AGENT = "akproxy-test";

  /** The mock logs every request at INFO; kept referenced so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  public static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  /** The stored objects live here, so the server can restart without losing them. */
  public final FaultInjectingDispatcher dispatcher = new FaultInjectingDispatcher();

  public KubernetesMockServer server;
  public final KubernetesClient operatorClient;
  public final KubernetesClient testClient;

  public MockCluster() {
    server = newServer();
    server.init();
    operatorClient = server.createClient();
    Config testConfig =
        new ConfigBuilder(operatorClient.getConfiguration()).withUserAgent(TEST_AGENT).build();
    testClient = new KubernetesClientBuilder().withConfig(testConfig).build();
  }

  /** Told when a request of the operator (any client but the test's) starts and ends. */
  public interface RequestListener {
    void requestStarted();

    void requestFinished();
  }

  private final List<KubernetesClient> extraClients =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A client of its own, told apart by its User-Agent ({@link #writesBy}); closed with this. */
  public KubernetesClient newClient(String userAgent) {
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(operatorClient.getConfiguration())
                    .withUserAgent(userAgent)
                    .build())
            .build();
    extraClients.add(client);
    return client;
  }

  /** Every write the client of this User-Agent sent so far, as "METHOD path?query". */
  public List<String> writesBy(String userAgent) {
    return dispatcher.recorded.stream()
        .filter(r -> r.startsWith(userAgent + " "))
        .map(r -> r.substring(userAgent.length() + 1))
        .filter(r -> WRITES.contains(r.substring(0, r.indexOf(' '))))
        .toList();
  }

  /** From now on, tells {@code listener} about every request of the operator. */
  public void onOperatorRequests(RequestListener listener) {
    dispatcher.requestListener = listener;
  }

  /**
   * Stops the server, dropping every connection and watch, and starts it again on the same port
   * with the same objects: what clients see when an API server restarts.
   */
  public void restartServer() {
    int port = server.getPort();
    server.destroy();
    server = newServer();
    try {
      server.init(java.net.InetAddress.getByName("localhost"), port);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private KubernetesMockServer newServer() {
    return new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
  }

  /** Every request the operator sent since the last call, as "METHOD path?query". */
  public List<String> operatorRequests() {
    List<String> requests = new ArrayList<>();
    try {
      RecordedRequest request;
      while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        if (!TEST_AGENT.equals(request.getHeader("User-Agent"))) {
          requests.add(request.getMethod() + " " + request.getPath());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return requests;
  }

  /** The write requests the operator sent since the last call (test requests left out). */
  public List<String> operatorWrites() {
    List<String> writes = new ArrayList<>();
    try {
      RecordedRequest request;
      while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        if (WRITES.contains(request.getMethod())
            && !TEST_AGENT.equals(request.getHeader("User-Agent"))) {
          writes.add(request.getMethod() + " " + request.getPath());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return writes;
  }

  @Override
  public void close() {
    extraClients.forEach(KubernetesClient::close);
    testClient.close();
    operatorClient.close();
    server.destroy();
  }
}
