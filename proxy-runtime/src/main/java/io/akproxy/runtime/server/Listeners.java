package io.akproxy.runtime.server;

import io.akproxy.config.Limits;
import io.akproxy.config.ProxyConfig;
import io.akproxy.runtime.RuntimeOptions;
import io.akproxy.runtime.admin.AdminHandler;
import io.akproxy.runtime.admin.Metrics;
import io.akproxy.runtime.load.LoadedSet;
import io.akproxy.runtime.proxy.ProxyHandler;
import io.akproxy.runtime.proxy.RedirectHandler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The three listeners: HTTPS (the proxy) and HTTP (the redirect) on every event loop, admin on one.
 */
public final class Listeners {

  private static final Logger LOG = Logger.getLogger("akproxy");
  private static final int HTTPS = 1;
  private static final int HTTP = 2;
  private static final int ADMIN = 3;

  private final Vertx vertx;
  private final RuntimeOptions options;
  private final Metrics metrics;
  private final ProxyHandler proxy;
  private final RedirectHandler redirect;
  private final AdminHandler admin;
  private final Supplier<ProxyConfig> current;
  private final List<HttpServer> https = new CopyOnWriteArrayList<>();
  private final List<HttpServer> http = new CopyOnWriteArrayList<>();
  private final List<HttpServer> adminServers = new CopyOnWriteArrayList<>();
  private volatile Limits listeningLimits;

  public Listeners(
      Vertx vertx,
      RuntimeOptions options,
      Metrics metrics,
      ProxyHandler proxy,
      RedirectHandler redirect,
      AdminHandler admin,
      Supplier<ProxyConfig> current) {
    this.vertx = vertx;
    this.options = options;
    this.metrics = metrics;
    this.proxy = proxy;
    this.redirect = redirect;
    this.admin = admin;
    this.current = current;
  }

  /** Opens admin first (so probes answer as soon as possible), then HTTPS, then HTTP. */
  public Future<Void> open(LoadedSet initial) {
    ProxyConfig config = initial.config();
    String bind = options.overrides().bindAddress(config);
    // Request-head limits are fixed when the listeners open, as the HTTP decoder's are.
    this.listeningLimits = config.limits();
    Future<?> opened =
        deploy(
                new ListenerVerticle.Spec(
                    "admin",
                    port(ListenerOptions.admin(config, bind), ADMIN),
                    admin,
                    null,
                    null,
                    metrics,
                    adminServers::add),
                1)
            .compose(
                v ->
                    deploy(
                        new ListenerVerticle.Spec(
                            "https",
                            port(
                                ListenerOptions.https(
                                    config, bind, initial.certificate(), options.tlsEngine()),
                                HTTPS),
                            proxy,
                            proxy.invalidRequestHandler(),
                            Metrics.Listener.HTTPS,
                            metrics,
                            https::add),
                        options.eventLoops()))
            .compose(
                v ->
                    config.listeners().http().redirectToHttps()
                        ? deploy(
                            new ListenerVerticle.Spec(
                                "http",
                                port(ListenerOptions.http(config, bind), HTTP),
                                redirect,
                                redirect.invalidRequestHandler(),
                                Metrics.Listener.HTTP,
                                metrics,
                                http::add),
                            options.eventLoops())
                        : Future.succeededFuture());
    return opened
        .onSuccess(
            v -> {
              LOG.info("listening https on " + bind + ":" + httpsPort());
              if (!http.isEmpty()) {
                LOG.info("listening http on " + bind + ":" + httpPort() + " (redirect to https)");
              }
              LOG.info("listening admin on " + bind + ":" + adminPort());
            })
        .mapEmpty();
  }

  /**
   * The configured port, or with {@link RuntimeOptions#anyPorts} a free one: a negative port is
   * Vert.x's "random, and the same for every instance listening with this number", so the
   * listener's instances on each event loop still share one socket.
   */
  private HttpServerOptions port(HttpServerOptions listener, int shared) {
    return options.anyPorts() ? listener.setPort(-shared) : listener;
  }

  private Future<String> deploy(ListenerVerticle.Spec spec, int instances) {
    return vertx.deployVerticle(
        () -> new ListenerVerticle(spec, current, listeningLimits),
        new DeploymentOptions().setInstances(instances));
  }

  /**
   * Serves a new certificate (and TLS settings) to new connections; open ones keep theirs. The
   * listener instances share one socket, so updating one updates all.
   */
  public Future<Boolean> updateCertificate(LoadedSet next) {
    return https
        .get(0)
        .updateSSLOptions(
            ListenerOptions.sslOptions(next.config(), next.certificate(), options.tlsEngine()),
            true);
  }

  /** Stops accepting on HTTPS and HTTP and waits up to {@code graceMillis} for in-flight work. */
  public Future<Void> drain(long graceMillis) {
    List<Future<Void>> drained = new ArrayList<>();
    for (HttpServer server : https) {
      drained.add(server.shutdown(graceMillis, TimeUnit.MILLISECONDS));
    }
    for (HttpServer server : http) {
      drained.add(server.shutdown(graceMillis, TimeUnit.MILLISECONDS));
    }
    return Future.join(drained).mapEmpty();
  }

  public Future<Void> closeAdmin() {
    List<Future<Void>> closed = new ArrayList<>();
    for (HttpServer server : adminServers) {
      closed.add(server.close());
    }
    return Future.join(closed).mapEmpty();
  }

  public Future<Void> closeAll() {
    return drain(0).transform(v -> closeAdmin());
  }

  public int httpsPort() {
    return https.isEmpty() ? 0 : https.get(0).actualPort();
  }

  public int httpPort() {
    return http.isEmpty() ? 0 : http.get(0).actualPort();
  }

  public int adminPort() {
    return adminServers.isEmpty() ? 0 : adminServers.get(0).actualPort();
  }
}
