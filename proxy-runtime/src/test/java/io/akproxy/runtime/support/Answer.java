package io.akproxy.runtime.support;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/** A response read in full, and the helpers that send requests and wait for one. */
public record Answer(int status, MultiMap headers, String body, HttpVersion version) {

  public String header(String name) {
    return headers.get(name);
  }

  public static Answer send(HttpClient client, RequestOptions options, Buffer body) {
    try {
      // The body handler must be set in the response's own callback, or data that arrived with
      // the head is gone by the time an await returns.
      return client
          .request(options)
          .compose(request -> body == null ? request.send() : request.send(body))
          .compose(
              response ->
                  response
                      .body()
                      .map(
                          content ->
                              new Answer(
                                  response.statusCode(),
                                  response.headers(),
                                  content.toString(),
                                  response.version())))
          .await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Answer get(HttpClient client, int port, String uri) {
    return send(client, request(HttpMethod.GET, port, uri), null);
  }

  public static RequestOptions request(HttpMethod method, int port, String uri) {
    return new RequestOptions().setMethod(method).setHost("localhost").setPort(port).setURI(uri);
  }
}
