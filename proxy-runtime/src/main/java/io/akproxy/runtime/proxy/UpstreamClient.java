package io.akproxy.runtime.proxy;

import io.akproxy.config.IpAddresses;
import io.akproxy.config.Upstream;
import io.akproxy.runtime.vertx.VertxInternals;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections to authentik: HTTP/1.1 only (as the seed's {@code proxy_http_version 1.1}), TLS
 * with verification off by default (authentik's self-signed certificate) or on with a CA bundle and
 * an SNI name.
 *
 * <p>Two pools. Plain requests share a keep-alive pool that, like nginx's {@code keepalive 10},
 * never caps concurrency but keeps at most {@code maxIdleConnections} idle connections beyond what
 * recent traffic needed: a request sent while more connections are open than the busiest moment of
 * the last one or two {@value #DEMAND_WINDOW_MILLIS} ms windows plus that many goes out with {@code
 * Connection: close}, so its connection closes when its exchange ends. Closing on every dip below
 * the instantaneous demand, as a literal reading would, makes a busy proxy reconnect (and
 * re-handshake TLS) for most requests; idle connections the window leaves behind expire after
 * {@code keepAlive.idleTimeoutSeconds}. The decision is taken while the exchange still owns its
 * connection: once the answer has been read, Vert.x may already have handed the connection to the
 * next request, and closing it then fails that request (issue 11: the 502 bursts at every turn of
 * the window). WebSocket upgrades use a pool of their own, because an upgraded connection keeps its
 * pool slot for the life of the tunnel and must not starve plain requests (every browser tab and
 * outpost holds one).
 *
 * <p>Immutable settings; a reload that changes them builds a new client and {@linkplain #retire
 * retires} this one once its requests and tunnels have finished.
 */
public final class UpstreamClient {

  /**
   * How long a replaced client lets its in-flight requests finish. Its connections close as soon as
   * they are idle, so this only bounds a request that hangs; it must not cut a slow download short.
   */
  public static final long RETIRE_GRACE_MILLIS = 10 * 60 * 1000L;

  /** How far back the demand that justifies open connections is remembered. */
  static final long DEMAND_WINDOW_MILLIS = 2000;

  /** Authentik's responses can carry several large cookies. */
  static final int MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

  private final Upstream settings;
  private final Optional<byte[]> caPem;
  private final HttpClientAgent http;
  private final HttpClient upgrades;
  private final SocketAddress server;
  private final String host;
  private final int port;
  private final int maxIdle;
  private final long connectTimeoutMillis;
  private final long responseTimeoutMillis;
  private final AtomicInteger openConnections = new AtomicInteger();

  /** What the retry rule needs to know of each open connection (see {@link ConnectionWatch}). */
  private final Map<HttpConnection, ConnectionWatch> watched = new ConcurrentHashMap<>();

  private final AtomicInteger inFlight = new AtomicInteger();
  private final PeakDemand demand;
  private final AtomicInteger tunnels = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean upgradesClosed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean retired;
  private volatile long retireGraceMillis;

  private UpstreamClient(
      Vertx vertx,
      Upstream settings,
      SocketAddress server,
      Optional<byte[]> caPem,
      SSLEngineOptions engine,
      int maxConnections,
      Clock clock) {
    this.settings = settings;
    this.demand = new PeakDemand(DEMAND_WINDOW_MILLIS, clock);
    this.caPem = caPem.map(byte[]::clone);
    this.server = server;
    String serverName = settings.tls().serverName();
    this.host = serverName != null ? serverName : settings.uri().getHost();
    this.port = settings.port();
    this.maxIdle = settings.keepAlive().maxIdleConnections();
    this.connectTimeoutMillis = settings.connectTimeoutSeconds() * 1000L;
    this.responseTimeoutMillis = settings.responseTimeoutSeconds() * 1000L;
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(maxConnections);
    this.http =
        vertx
            .httpClientBuilder()
            .with(options(settings, caPem, engine).setName("akproxy-upstream"))
            .with(pool)
            .withConnectHandler(this::connected)
            .build();
    this.upgrades =
        vertx
            .httpClientBuilder()
            .with(options(settings, caPem, engine).setName("akproxy-upstream-websocket"))
            .with(new PoolOptions(pool))
            .build();
  }

  /**
   * @param server where to connect: the URL's host and port, unless the command line resolves them
   *     elsewhere (the TLS server name and the {@code Host} stay the configuration's)
   * @param clock times the demand window
   */
  public static UpstreamClient create(
      Vertx vertx,
      Upstream settings,
      SocketAddress server,
      Optional<byte[]> caPem,
      SSLEngineOptions engine,
      int maxConnections,
      Clock clock) {
    return new UpstreamClient(vertx, settings, server, caPem, engine, maxConnections, clock);
  }

  private static HttpClientOptions options(
      Upstream settings, Optional<byte[]> caPem, SSLEngineOptions engine) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_1_1)
            .setKeepAlive(true)
            .setKeepAliveTimeout(settings.keepAlive().idleTimeoutSeconds())
            .setConnectTimeout(Math.toIntExact(settings.connectTimeoutSeconds() * 1000L))
            .setMaxHeaderSize(MAX_RESPONSE_HEADER_BYTES)
            .setTcpNoDelay(true)
            .setDecompressionSupported(false);
    if (settings.isHttps()) {
      Upstream.UpstreamTls tls = settings.tls();
      options.setSsl(true).setUseAlpn(false).setSslEngineOptions(engine);
      if (tls.verify()) {
        options.setVerifyHost(true).setTrustAll(false);
        caPem.ifPresent(
            ca -> options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca))));
        String sniHost = tls.serverName() != null ? tls.serverName() : settings.uri().getHost();
        // A name, not an address literal, is the only thing SNI may carry.
        options.setForceSni(IpAddresses.parse(sniHost).isEmpty());
      } else {
        options.setVerifyHost(false).setTrustAll(true);
      }
    }
    return options;
  }

  private void connected(HttpConnection connection) {
    openConnections.incrementAndGet();
    ConnectionWatch watch = new ConnectionWatch();
    if (VertxInternals.addBeforeHttp1ClientCodec(connection, ConnectionWatch.NAME, watch)) {
      watched.put(connection, watch);
    }
    connection.closeHandler(
        v -> {
          openConnections.decrementAndGet();
          watched.remove(connection);
        });
  }

  /** Whether this client already implements these settings, so a reload can keep it. */
  public boolean implementsSettings(Upstream other, Optional<byte[]> otherCaPem) {
    return settings.equals(other)
        && caPem.isPresent() == otherCaPem.isPresent()
        && (caPem.isEmpty() || Arrays.equals(caPem.get(), otherCaPem.get()));
  }

  /**
   * A request on the keep-alive pool; pass it to {@link #sending} before it goes out, and call
   * {@link #finished} once its exchange is over.
   */
  public Future<HttpClientRequest> request(HttpMethod method, String uri) {
    demand.observe(inFlight.incrementAndGet());
    return http.request(requestOptions(method, uri));
  }

  /**
   * A request from {@link #request} is about to go out on its connection: when more connections are
   * open than recent demand plus the idle allowance (nginx's {@code keepalive} semantics,
   * smoothed), it asks for that connection to close after this exchange, and Vert.x then never
   * returns it to the pool.
   *
   * @param requestedNanos when the request was asked of {@link #request} ({@link System#nanoTime})
   * @return this request on its connection, as the {@link Retry} rule needs to know it
   */
  ConnectionWatch.Attempt sending(HttpClientRequest outgoing, long requestedNanos) {
    if (openConnections.get() > demand.peak(inFlight.get()) + maxIdle) {
      outgoing.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    ConnectionWatch watch = watched.get(outgoing.connection());
    return watch == null ? ConnectionWatch.Attempt.UNWATCHED : watch.sending(requestedNanos);
  }

  /**
   * The one {@link Retry} of a request from {@link #request}, with the headers it was sent with: on
   * a new connection of its own, outside the pool (where the next idle connection may be as stale
   * as the one that failed), which closes when this exchange ends. It is the same exchange: call
   * {@link #finished} once for both.
   */
  Future<HttpClientRequest> retryRequest(HttpMethod method, String uri, MultiMap headers) {
    return http.connect(
            new HttpConnectOptions()
                .setServer(server)
                .setHost(host)
                .setPort(port)
                .setConnectTimeout(connectTimeoutMillis))
        .compose(connection -> connection.request(requestOptions(method, uri)))
        .map(
            outgoing -> {
              outgoing.headers().addAll(headers).set(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
              return outgoing;
            });
  }

  /** An exchange from {@link #request} is over, whether it reached authentik or not. */
  public void finished() {
    inFlight.decrementAndGet();
    retireIfDone();
  }

  /** A WebSocket upgrade request, on the pool that is not capped by keep-alive slots. */
  public Future<HttpClientRequest> upgradeRequest(HttpMethod method, String uri) {
    return upgrades.request(requestOptions(method, uri));
  }

  public void tunnelOpened() {
    tunnels.incrementAndGet();
  }

  public void tunnelClosed() {
    tunnels.decrementAndGet();
    retireIfDone();
  }

  private RequestOptions requestOptions(HttpMethod method, String uri) {
    return new RequestOptions()
        .setServer(server)
        .setHost(host)
        .setPort(port)
        .setMethod(method)
        .setURI(uri)
        .setConnectTimeout(connectTimeoutMillis)
        .setIdleTimeout(responseTimeoutMillis);
  }

  /**
   * Stops using this client: in-flight requests get {@code graceMillis} to finish, and WebSocket
   * tunnels are left open until they close by themselves.
   */
  public void retire(long graceMillis) {
    retireGraceMillis = graceMillis;
    retired = true;
    http.shutdown(graceMillis, TimeUnit.MILLISECONDS);
    retireIfDone();
  }

  private void retireIfDone() {
    if (retired && tunnels.get() == 0 && upgradesClosed.compareAndSet(false, true)) {
      upgrades.shutdown(retireGraceMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** Closes both pools now, tunnels included (process shutdown). */
  public Future<Void> close(long graceMillis) {
    retired = true;
    return Future.join(
            http.shutdown(graceMillis, TimeUnit.MILLISECONDS),
            upgrades.shutdown(graceMillis, TimeUnit.MILLISECONDS))
        .mapEmpty();
  }

  int openConnections() {
    return openConnections.get();
  }
}
