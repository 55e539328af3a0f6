package io.akproxy.runtime.support;

import io.akproxy.config.Listeners;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Reload;
import io.akproxy.config.Shutdown;
import io.akproxy.config.Tls;
import io.akproxy.config.Upstream;
import io.akproxy.runtime.Main;
import io.akproxy.runtime.Overrides;
import io.akproxy.runtime.ProxyRuntime;
import io.akproxy.runtime.RuntimeOptions;
import io.akproxy.runtime.admin.Metrics;
import io.akproxy.runtime.load.FileRoot;
import io.akproxy.runtime.load.FileSetReader;
import io.akproxy.runtime.load.LoadedSet;
import io.akproxy.runtime.log.AccessLog;
import io.akproxy.runtime.reload.ReloadTarget;
import io.akproxy.runtime.reload.Reloader;
import io.akproxy.runtime.server.TlsEngine;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.kubelet.ProjectedVolume;
import io.akproxy.testkit.pki.CertificateAuthority;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The runtime started in-process on loopback, every listener on a port the kernel picks when it
 * binds (read them from {@link #httpsPort()} and the like; the configuration's ports are not
 * bound), from files laid out as kubelet projects them: {@code <root>/config/proxy.json}, {@code
 * <root>/tls/tls.crt|tls.key} and, when asked for, {@code <root>/upstream-ca/ca.crt}.
 */
public final class ProxyFixture implements AutoCloseable {

  public static final String SERVER_NAME = "sso.example.com";

  /** The name authentik's certificate is for in the upstream TLS tests ({@link #httpsUpstream}). */
  public static final String UPSTREAM_HOST = "upstream.test";

  private final Path root;
  private final Vertx vertx;
  private final ProxyRuntime runtime;
  private final Reloader reloader;
  private final ProjectedVolume configVolume;
  private final ProjectedVolume tlsVolume;
  private final AccessLog accessLog;
  private final LineCollector accessLines;
  private final Metrics metrics;

  private ProxyFixture(Builder builder, ProxyConfig config) throws Exception {
    this.root = builder.root;
    Path mounts = builder.overrides.files().isRooted() ? root.resolve("etc/akproxy") : root;
    this.configVolume =
        ProjectedVolume.withText(mounts.resolve("config"), Map.of("proxy.json", config.render()));
    this.tlsVolume =
        ProjectedVolume.withText(
            mounts.resolve("tls"), Map.of("tls.crt", builder.certPem, "tls.key", builder.keyPem));
    Path configFile = configVolume.file("proxy.json");
    FileRoot files = builder.overrides.files();
    LoadedSet initial =
        LoadedSet.from(FileSetReader.read(configFile, files), builder.clock.instant());
    this.metrics = new Metrics();
    this.accessLines = new LineCollector();
    this.accessLog = new AccessLog(accessLines, metrics::accessLogDropped);
    // The runtime's own Vert.x (listeners accepting on the event loops), or NIO as Vert.x comes.
    this.vertx =
        builder.nativeTransport
            ? Main.vertx(builder.eventLoops)
            : Vertx.vertx(
                new VertxOptions()
                    .setPreferNativeTransport(false)
                    .setEventLoopPoolSize(builder.eventLoops));
    RuntimeOptions options =
        new RuntimeOptions(
            builder.eventLoops, builder.engine, accessLog, builder.clock, builder.overrides, true);
    ProxyRuntime started;
    try {
      started = ProxyRuntime.start(vertx, initial, options, metrics).await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      accessLog.close();
      throw e;
    }
    this.runtime = started;
    if (builder.reload) {
      this.reloader =
          new Reloader(
              vertx,
              configFile,
              files,
              builder.reloadTarget.apply(runtime),
              builder.clock,
              initial);
      reloader.start(config).await(10, TimeUnit.SECONDS);
    } else {
      this.reloader = null;
    }
  }

  /**
   * A fresh certificate for {@value #SERVER_NAME}, localhost and 127.0.0.1, issued by the shared
   * test intermediate (its root is what {@link Clients} trust).
   */
  public static Issued serverCertificate() {
    return serverCertificate(Clock.systemUTC());
  }

  /** The same, valid from {@code clock}'s now (as cert-manager issues: not backdated). */
  public static Issued serverCertificate(Clock clock) {
    return CertificateAuthority.sharedIntermediate()
        .issue(Certificates.forHosts(SERVER_NAME, "localhost", "127.0.0.1").clock(clock));
  }

  /**
   * authentik's stand-in over HTTPS, presenting a certificate for {@value #UPSTREAM_HOST} and
   * 127.0.0.1 from the shared test hierarchy.
   */
  public static AuthentikStub httpsUpstream() {
    return AuthentikStub.https(
        CertificateAuthority.sharedIntermediate()
            .issue(Certificates.forHosts(UPSTREAM_HOST, "127.0.0.1")));
  }

  public static Builder builder(Path root) {
    return new Builder(root);
  }

  /** Test-friendly defaults; {@code customize} changes anything else. */
  public static final class Builder {
    private final Path root;
    private String upstreamUrl = "http://127.0.0.1:9";
    private UnaryOperator<ProxyConfig> customize = c -> c;

    /** Null: a fresh certificate at start, valid from the runtime's clock's now. */
    private String certPem;

    private String keyPem;
    private TlsEngine engine = TlsEngine.choose("auto");
    private int eventLoops = 1;
    private boolean reload;
    private UnaryOperator<ReloadTarget> reloadTarget = UnaryOperator.identity();
    private Overrides overrides = Overrides.NONE;
    private boolean nativeTransport = true;
    private Clock clock = Clock.systemUTC();

    private Builder(Path root) {
      this.root = root;
    }

    public Builder upstream(AuthentikStub stub) {
      this.upstreamUrl = stub.url();
      return this;
    }

    public Builder upstreamUrl(String url) {
      this.upstreamUrl = url;
      return this;
    }

    public Builder config(UnaryOperator<ProxyConfig> customize) {
      this.customize = customize;
      return this;
    }

    public Builder certificate(String certPem, String keyPem) {
      this.certPem = certPem;
      this.keyPem = keyPem;
      return this;
    }

    public Builder engine(TlsEngine engine) {
      this.engine = engine;
      return this;
    }

    /** {@code false}: NIO, as on a node where the epoll library cannot load. */
    public Builder nativeTransport(boolean nativeTransport) {
      this.nativeTransport = nativeTransport;
      return this;
    }

    /**
     * The runtime's clock (a testkit {@code ManualClock} moves only when the test advances it): the
     * upstream pool's demand window and the reload's timestamps and expiry checks read it.
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder eventLoops(int eventLoops) {
      this.eventLoops = eventLoops;
      return this;
    }

    /**
     * Runs the pod's own layout as the command line's overrides do outside a container: the
     * configuration names {@code /etc/akproxy/...}, the files sit under the fixture's root ({@code
     * --root}), the listeners bind {@code bindAddress} and the upstream's name resolves as {@code
     * resolve} says.
     */
    public Builder outsideThePod(
        String bindAddress, Map<Overrides.Authority, Overrides.Authority> resolve) {
      this.overrides = new Overrides(FileRoot.under(root), Optional.of(bindAddress), resolve);
      return this;
    }

    /** Also run the file watcher and poller, with a short debounce and poll interval. */
    public Builder reload() {
      this.reload = true;
      return this;
    }

    /** Reloads into what {@code wrap} makes of the runtime (a target that fails, say). */
    public Builder reload(UnaryOperator<ReloadTarget> wrap) {
      this.reload = true;
      this.reloadTarget = wrap;
      return this;
    }

    /**
     * Starts in-process; the listeners bind ports the kernel picks, so no other process can take
     * them first.
     */
    public ProxyFixture start() throws Exception {
      if (certPem == null) {
        Issued leaf = serverCertificate(clock);
        certPem = leaf.chainPem();
        keyPem = leaf.keyPem();
      }
      return new ProxyFixture(this, customize.apply(baseConfig()));
    }

    /**
     * The configuration for a runtime in another process, with the contract's default ports: start
     * it with {@code --any-ports} ({@link PodFiles#startRuntime}, testkit's {@code
     * RuntimeProcess.Launcher.anyPorts()}) and read the bound ports from its log.
     */
    public ProxyConfig baseConfig() {
      ProxyConfig defaults = ProxyConfig.defaults(List.of(SERVER_NAME));
      Listeners listeners = defaults.listeners();
      Upstream upstream = defaults.upstream();
      return defaults
          .withListeners(
              new Listeners("127.0.0.1", listeners.https(), listeners.http(), listeners.admin()))
          .withTls(
              overrides.files().isRooted()
                  ? Tls.defaults()
                  : new Tls(
                      root.resolve("tls/tls.crt").toString(),
                      root.resolve("tls/tls.key").toString(),
                      Tls.TLS_1_3,
                      true,
                      Tls.Hsts.defaults()))
          .withUpstream(
              new Upstream(
                  upstreamUrl,
                  upstream.tls(),
                  upstream.keepAlive(),
                  2,
                  upstream.responseTimeoutSeconds()))
          .withReload(new Reload(1, 100))
          // No drain when a test ends; the drain tests set their own grace period.
          .withShutdown(new Shutdown(0, 0));
    }
  }

  public ProxyRuntime runtime() {
    return runtime;
  }

  public Metrics metrics() {
    return metrics;
  }

  public ProxyConfig config() {
    return runtime.current().config();
  }

  public int httpsPort() {
    return runtime.httpsPort();
  }

  public int httpPort() {
    return runtime.httpPort();
  }

  public int adminPort() {
    return runtime.adminPort();
  }

  public Path root() {
    return root;
  }

  public ProjectedVolume configVolume() {
    return configVolume;
  }

  public ProjectedVolume tlsVolume() {
    return tlsVolume;
  }

  /** Rewrites proxy.json with a kubelet-style swap. */
  public void writeConfig(ProxyConfig config) {
    configVolume.projectText(Map.of("proxy.json", config.render()));
  }

  /** The access-log lines written so far (the writer thread may lag a few milliseconds). */
  public List<String> accessLines() {
    return accessLines.lines();
  }

  @Override
  public void close() {
    if (reloader != null) {
      reloader.close();
    }
    try {
      runtime.shutdown().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the proxy did not stop cleanly", e);
    } finally {
      accessLog.close();
    }
  }

  /** Collects what the access log writes, line by line. */
  static final class LineCollector extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
    }

    synchronized List<String> lines() {
      String text = bytes.toString(StandardCharsets.UTF_8);
      return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
  }
}
