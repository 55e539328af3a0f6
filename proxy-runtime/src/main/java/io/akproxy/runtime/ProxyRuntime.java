package io.akproxy.runtime;

import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Shutdown;
import io.akproxy.runtime.admin.AdminHandler;
import io.akproxy.runtime.admin.Metrics;
import io.akproxy.runtime.admin.RuntimeView;
import io.akproxy.runtime.load.LoadedSet;
import io.akproxy.runtime.proxy.ProxyHandler;
import io.akproxy.runtime.proxy.RedirectHandler;
import io.akproxy.runtime.proxy.Snapshot;
import io.akproxy.runtime.proxy.SnapshotSource;
import io.akproxy.runtime.proxy.Traffic;
import io.akproxy.runtime.proxy.UpstreamClient;
import io.akproxy.runtime.reload.ConfigChanges;
import io.akproxy.runtime.reload.ReloadReport;
import io.akproxy.runtime.reload.ReloadStatus;
import io.akproxy.runtime.reload.ReloadTarget;
import io.akproxy.runtime.server.Listeners;
import io.akproxy.runtime.vertx.VertxInternals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The running proxy: its listeners and the one snapshot every request reads. A reload builds the
 * next snapshot off to the side (new upstream client only when upstream settings changed, new
 * certificate pushed to the TLS listener), then swaps the reference; requests in flight finish on
 * the snapshot they started with.
 */
public final class ProxyRuntime implements SnapshotSource, RuntimeView, ReloadTarget {

  private static final Logger LOG = Logger.getLogger("akproxy");

  private final Vertx vertx;
  private final RuntimeOptions options;
  private final Metrics metrics;
  private final ProxyConfig listening;
  private final AtomicReference<Snapshot> current;
  private final AtomicReference<ReloadStatus> status;
  private final Listeners listeners;
  private volatile boolean accepting;
  private volatile boolean shuttingDown;
  private volatile boolean draining;
  private Future<Void> shutdown;

  private ProxyRuntime(Vertx vertx, LoadedSet initial, RuntimeOptions options, Metrics metrics) {
    this.vertx = vertx;
    this.options = options;
    this.metrics = metrics;
    this.listening = initial.config();
    this.current = new AtomicReference<>(Snapshot.of(initial, upstreamClient(initial)));
    this.status = new AtomicReference<>(ReloadStatus.initial(options.clock().instant()));
    Traffic traffic = new Traffic(metrics, options.accessLog());
    this.listeners =
        new Listeners(
            vertx,
            options,
            metrics,
            new ProxyHandler(this, traffic),
            new RedirectHandler(this, traffic),
            new AdminHandler(this),
            () -> current.get().config());
  }

  /** Opens the listeners of a loaded, valid file set. */
  public static Future<ProxyRuntime> start(
      Vertx vertx, LoadedSet initial, RuntimeOptions options, Metrics metrics) {
    ProxyRuntime runtime = new ProxyRuntime(vertx, initial, options, metrics);
    // Before any client is served: the HTTP/1.1 gate needs Vert.x internals that an upgrade may
    // move.
    return VertxInternals.check(vertx)
        .compose(checked -> runtime.listeners.open(initial))
        .map(
            opened -> {
              runtime.accepting = true;
              return runtime;
            })
        .recover(
            failure ->
                runtime.closeAll().transform(closed -> Future.<ProxyRuntime>failedFuture(failure)));
  }

  private UpstreamClient upstreamClient(LoadedSet set) {
    ProxyConfig config = set.config();
    Overrides.Authority connectTo = options.overrides().upstreamAddress(config.upstream());
    return UpstreamClient.create(
        vertx,
        config.upstream(),
        SocketAddress.inetSocketAddress(connectTo.port(), connectTo.host()),
        set.upstreamCaPem(),
        options.tlsEngine().options(),
        config.limits().maxConnections(),
        options.clock());
  }

  /**
   * Puts a new, already validated file set into service. Fails, changing nothing, when the TLS
   * listener refuses the certificate.
   */
  @Override
  public Future<ReloadReport> apply(LoadedSet next) {
    Snapshot previous = current.get();
    ProxyConfig config = next.config();
    boolean certificateChanged =
        !Arrays.equals(previous.loaded().certificate().certPem(), next.certificate().certPem())
            || !Arrays.equals(
                previous.loaded().certificate().keyPem(), next.certificate().keyPem());
    boolean tlsChanged =
        certificateChanged
            || !previous.config().tls().equals(config.tls())
            || previous.config().limits().headerTimeoutSeconds()
                != config.limits().headerTimeoutSeconds();
    UpstreamClient upstream =
        previous.upstream().implementsSettings(config.upstream(), next.upstreamCaPem())
            ? previous.upstream()
            : upstreamClient(next);
    Future<?> tls = tlsChanged ? listeners.updateCertificate(next) : Future.succeededFuture();
    return tls.<ReloadReport>map(
            updated -> {
              current.set(Snapshot.of(next, upstream));
              if (upstream != previous.upstream()) {
                previous.upstream().retire(UpstreamClient.RETIRE_GRACE_MILLIS);
              }
              List<String> restart = ConfigChanges.restartRequired(listening, config);
              status.updateAndGet(s -> s.applied(options.clock().instant(), restart));
              String previousSerial = previous.loaded().certificate().info().serial();
              String serial = next.certificate().info().serial();
              return new ReloadReport(
                  next.configHash(),
                  ConfigChanges.between(previous.config(), config),
                  certificateChanged ? previousSerial : null,
                  serial,
                  restart);
            })
        .recover(
            failure -> {
              if (upstream != previous.upstream()) {
                upstream.close(0);
              }
              return Future.failedFuture(failure);
            });
  }

  /** Records a reload that could not be applied; the current snapshot keeps serving. */
  @Override
  public void rejected(String reason) {
    status.updateAndGet(s -> s.failed(options.clock().instant(), reason));
  }

  /**
   * SIGTERM: {@code /readyz} answers 503 at once while the listeners keep accepting and serving for
   * {@code shutdown.delaySeconds} (Kubernetes removes the pod from the Service's endpoints at the
   * same moment, and kube-proxy and load balancers learn of it seconds later); then they stop
   * accepting, HTTP/2 clients get GOAWAY, and in-flight requests get {@code
   * shutdown.gracePeriodSeconds} to finish before everything but the Vert.x instance closes.
   * Calling it again returns the same shutdown. The timings are those the process started with
   * ({@link #shutdownTimings}).
   */
  public synchronized Future<Void> shutdown() {
    if (shutdown == null) {
      shuttingDown = true;
      Shutdown settings = shutdownTimings();
      long delay = settings.delaySeconds() * 1000L;
      long grace = settings.gracePeriodSeconds() * 1000L;
      LOG.info(
          "shutting down: /readyz answers 503; serving for "
              + delay
              + " ms more, then draining in-flight requests for up to "
              + grace
              + " ms");
      Future<Void> delayed = delay > 0 ? vertx.timer(delay).mapEmpty() : Future.succeededFuture();
      shutdown =
          delayed
              .compose(
                  waited -> {
                    draining = true;
                    LOG.info("draining: new connections refused, HTTP/2 clients sent GOAWAY");
                    return listeners.drain(grace);
                  })
              .transform(drained -> current.get().upstream().close(1000))
              .transform(closed -> listeners.closeAdmin());
    }
    return shutdown;
  }

  /**
   * The shutdown timings the process started with, not a reload's: the pod's {@code
   * terminationGracePeriodSeconds} was computed from them, and a longer delay taken live would have
   * the kubelet kill the pod in the middle of it. A reload that changes them reports "restart
   * required" ({@link io.akproxy.config.RestartOnlySettings}).
   */
  public Shutdown shutdownTimings() {
    return listening.shutdown();
  }

  /** Whether a shutdown has stopped the listeners accepting (its delay is over). */
  boolean draining() {
    return draining;
  }

  private Future<Void> closeAll() {
    return listeners.closeAll().transform(closed -> current.get().upstream().close(0));
  }

  @Override
  public io.akproxy.config.Reload reloadSettings() {
    return current.get().config().reload();
  }

  @Override
  public Snapshot current() {
    return current.get();
  }

  @Override
  public Snapshot snapshot() {
    return current.get();
  }

  @Override
  public ReloadStatus reloadStatus() {
    return status.get();
  }

  @Override
  public boolean ready() {
    // The admin listener opens first, so probes get an answer early; ready only once the HTTPS and
    // HTTP listeners accept too.
    return accepting && !shuttingDown;
  }

  @Override
  public String tlsEngine() {
    return options.tlsEngine().label();
  }

  @Override
  public String transport() {
    return transportOf(vertx);
  }

  /** {@code epoll} (Linux's native transport, x86_64 and aarch64 alike) or {@code nio}. */
  public static String transportOf(Vertx vertx) {
    return vertx.isNativeTransportEnabled() ? "epoll" : "nio";
  }

  @Override
  public Overrides overrides() {
    return options.overrides();
  }

  @Override
  public Metrics metrics() {
    return metrics;
  }

  public int httpsPort() {
    return listeners.httpsPort();
  }

  /** The plain-HTTP listener's port, or 0 when redirect is off and it is not open. */
  public int httpPort() {
    return listeners.httpPort();
  }

  public int adminPort() {
    return listeners.adminPort();
  }
}
