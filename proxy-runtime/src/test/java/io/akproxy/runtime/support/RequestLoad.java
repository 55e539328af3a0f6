package io.akproxy.runtime.support;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests sent back to back through the proxy by a number of concurrent loops, counting what
 * succeeded and keeping every failure (status or exception) for the assertion message. The number
 * of loops can change while it runs, so a test can move demand up and down; {@link #stop} lets the
 * requests in flight finish and counts them too.
 */
public final class RequestLoad implements AutoCloseable {

  /** How many failures are kept verbatim; the count covers all. */
  private static final int KEPT_FAILURES = 20;

  private static final int STREAMS_PER_CONNECTION = 8;
  private static final int MAX_CONNECTIONS = 256;

  private final HttpClient client;
  private final Context context;
  private final RequestOptions request;
  private final AtomicInteger wanted = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<String> failures = new CopyOnWriteArrayList<>();

  private RequestLoad(HttpClient client, Context context, RequestOptions request) {
    this.client = client;
    this.context = context;
    this.request = request;
  }

  /**
   * Keep-alive load on {@code port}: HTTP/1.1 with one connection per loop, or HTTP/2 with up to
   * {@value #STREAMS_PER_CONNECTION} loops' streams per connection.
   */
  public static RequestLoad start(
      Vertx vertx, HttpVersion version, int port, String uri, int loops) {
    return start(vertx, version, port, uri, loops, true);
  }

  /**
   * HTTP/1.1 load with {@code Connection: close} on every request, so each one opens a new TLS
   * connection: what reaches a pod that a load balancer is taking out of rotation.
   */
  public static RequestLoad startWithNewConnections(Vertx vertx, int port, String uri, int loops) {
    return start(vertx, HttpVersion.HTTP_1_1, port, uri, loops, false);
  }

  private static RequestLoad start(
      Vertx vertx, HttpVersion version, int port, String uri, int loops, boolean keepAlive) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setSsl(true)
            .setTrustOptions(Clients.trust())
            .setUseAlpn(version == HttpVersion.HTTP_2)
            .setProtocolVersion(version)
            .setKeepAlive(keepAlive)
            .setHttp2MultiplexingLimit(STREAMS_PER_CONNECTION)
            .setConnectTimeout(10_000);
    HttpClient client =
        vertx
            .httpClientBuilder()
            .with(options)
            .with(
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS).setHttp2MaxSize(MAX_CONNECTIONS))
            .build();
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("localhost")
            .setPort(port)
            .setURI(uri)
            .setIdleTimeout(30_000);
    RequestLoad load = new RequestLoad(client, vertx.getOrCreateContext(), request);
    load.loops(loops);
    return load;
  }

  /** Runs {@code loops} request loops from now on, starting or retiring loops as needed. */
  public void loops(int loops) {
    wanted.set(loops);
    context.runOnContext(v -> startMissing());
  }

  private void startMissing() {
    while (running.get() < wanted.get()) {
      running.incrementAndGet();
      next();
    }
  }

  private void next() {
    if (running.get() > wanted.get()) {
      running.decrementAndGet();
      return;
    }
    client
        .request(request)
        .compose(HttpClientRequest::send)
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(
            done -> {
              if (done.succeeded() && done.result() == 200) {
                succeeded.incrementAndGet();
              } else {
                failed.incrementAndGet();
                if (failures.size() < KEPT_FAILURES) {
                  failures.add(
                      done.succeeded() ? "status " + done.result() : String.valueOf(done.cause()));
                }
              }
              next();
            });
  }

  public long succeeded() {
    return succeeded.get();
  }

  public long failed() {
    return failed.get();
  }

  /** The first failures, as text; the count is {@link #failed}. */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** Sends no new request; the ones in flight finish and are counted. */
  public void stop() {
    loops(0);
  }

  /** Whether every loop has finished its last request after {@link #stop}. */
  public boolean idle() {
    return running.get() == 0;
  }

  @Override
  public void close() {
    stop();
    client.close();
  }
}
