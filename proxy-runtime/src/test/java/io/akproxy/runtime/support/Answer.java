package io.akproxy.runtime.support;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.http.HttpClientInternal;
import java.lang.ref.Reference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A response read in full, and the helpers that send requests and wait for one. */
public record Answer(int status, MultiMap headers, String body, HttpVersion version) {

  public String header(String name) {
    return headers.get(name);
  }

  public static Answer send(HttpClient client, RequestOptions options, Buffer body) {
    // The chain is built on an event loop and hands its result to a plain CompletableFuture:
    // listeners registered from the test thread would hop through the event loop's task queue,
    // which stalls for seconds on a loaded machine. The body handler is set in the response's
    // own callback, or data that arrived with the head would be lost.
    CompletableFuture<Answer> result = new CompletableFuture<>();
    Context context = ((HttpClientInternal) client).vertx().getOrCreateContext();
    context.runOnContext(
        start ->
            client
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
                .onComplete(
                    done -> {
                      if (done.succeeded()) {
                        result.complete(done.result());
                      } else {
                        result.completeExceptionally(done.cause());
                      }
                    }));
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      // Vert.x closes a client nobody references any more, with its connections: a caller that
      // passed a fresh client inline must not lose the answer to a collection mid-request.
      Reference.reachabilityFence(client);
    }
  }

  public static Answer get(HttpClient client, int port, String uri) {
    return send(client, request(HttpMethod.GET, port, uri), null);
  }

  public static RequestOptions request(HttpMethod method, int port, String uri) {
    return new RequestOptions().setMethod(method).setHost("localhost").setPort(port).setURI(uri);
  }
}
