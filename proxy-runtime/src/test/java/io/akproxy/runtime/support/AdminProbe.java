package io.akproxy.runtime.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads the admin endpoints with the JDK's client. Tests poll these in Awaitility loops from the
 * test thread, where a Vert.x client's callbacks hop through the event loop's task queue and can
 * stall for seconds on a loaded machine; a plain blocking client does not.
 */
public final class AdminProbe {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AdminProbe() {}

  public static HttpResponse<String> get(int port, String path) {
    return get("127.0.0.1", port, path);
  }

  /** From an admin listener bound to another loopback address ({@code --bind-address}). */
  public static HttpResponse<String> get(String address, int port, String path) {
    try {
      return CLIENT.send(
          HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonObject status(int port) {
    return new JsonObject(get(port, "/status").body());
  }

  public static JsonObject status(String address, int port) {
    return new JsonObject(get(address, port, "/status").body());
  }

  public static String metrics(int port) {
    return get(port, "/metrics").body();
  }

  /**
   * One series of {@code /metrics}, by its name and labels as printed ({@code
   * akproxy_requests_total{listener="https",class="4xx"}}); 0 when it is not printed.
   */
  public static long metric(int port, String series) {
    return metrics(port)
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToLong(line -> Long.parseLong(line.substring(series.length() + 1)))
        .sum();
  }

  public static long reloadsApplied(int port) {
    return status(port).getJsonObject("reloads").getLong("applied");
  }
}
