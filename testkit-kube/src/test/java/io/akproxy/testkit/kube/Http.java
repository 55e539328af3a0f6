package io.akproxy.testkit.kube;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Raw HTTP to the simulated API server, for what fabric8's client would smooth over. */
final class Http {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private Http() {}

  static HttpResponse<String> get(SimulatedCluster cluster, String path, String accept) {
    return exchange(
        HttpRequest.newBuilder(URI.create(cluster.url() + path)).header("Accept", accept).GET());
  }

  static HttpResponse<String> send(
      SimulatedCluster cluster, String method, String path, String contentType, String body) {
    return exchange(
        HttpRequest.newBuilder(URI.create(cluster.url() + path))
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> exchange(HttpRequest.Builder request) {
    try {
      return CLIENT.send(
          request.header("User-Agent", SimulatedCluster.TEST_AGENT).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
