package io.akproxy.e2e;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxySpec;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.authentik.Received;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.runtime.RuntimeProcess;
import io.akproxy.testkit.time.Scheduler;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The whole loop, as one story that {@code make demo} prints and {@code WholeLoopIT} asserts: an
 * API server with the operator, authentik's stand-in behind its Service, the kubelet's part ({@link
 * LocalPod}) and the runtime as its own process. Each {@link Step} acts through the API, as a user
 * would, and checks what the user relies on: traffic, headers, redirect, WebSocket, live changes
 * without a restart, a bad Secret kept out, a rotation without a failed request, a pod-level change
 * that does replace the pod, and deletion.
 */
public final class WholeLoop implements AutoCloseable {

  public static final String NAMESPACE = "authentik";
  public static final String NAME = "sso";
  public static final String HOST = "sso.example.com";
  public static final String TLS_SECRET = "sso-tls";
  public static final String RESOURCE_FILE = "/demo-authentikproxy.yaml";
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

  /**
   * The kubelet stand-in's periodic sync. A real kubelet syncs every 60–90 s unless the Pod object
   * changes; until the simulated cluster has Pod objects for the operator to annotate, the stand-in
   * syncs every second so the story does not wait a minute per change.
   */
  static final Duration KUBELET_SYNC = Duration.ofSeconds(1);

  /** One step of the story. */
  public record Step(String title, boolean endsTheDemo, Action action) {}

  /** What a step does, telling it to {@code story}. */
  @FunctionalInterface
  public interface Action {
    void run(Story story) throws Exception;
  }

  private final Path work;
  private final Path runtimeJar;
  private final LocalCluster cluster;
  private final KubernetesClient client;
  private final AuthentikStub authentik;
  private final Scheduler kubelet = Scheduler.system("local-kubelet");
  private final List<Issued> trusted = new ArrayList<>();
  private LocalPod pod;
  private Issued served;
  private long pid;

  private WholeLoop(Path work, Path runtimeJar) {
    this.work = work;
    this.runtimeJar = runtimeJar;
    this.cluster = LocalCluster.start(NAMESPACE);
    this.client = cluster.client();
    this.authentik = cluster.startAuthentik();
  }

  /** Starts the API server, the operator and authentik's stand-in. */
  public static WholeLoop start(Path work, Path runtimeJar) {
    return new WholeLoop(work, runtimeJar);
  }

  public List<Step> steps() {
    return List.of(
        new Step(
            "An AuthentikProxy becomes Ready and serves what the operator rendered",
            false,
            this::create),
        new Step("Traffic reaches authentik with the headers it needs", false, this::traffic),
        new Step("Plain HTTP is redirected to HTTPS", false, this::redirect),
        new Step("WebSockets are tunnelled", false, this::websocket),
        new Step("trustedProxyCIDRs changed in the resource apply live", false, this::trustedCidrs),
        new Step("A Secret whose key does not match is kept out", false, this::badSecret),
        new Step(
            "A rotated certificate is served without a restart or a failed request",
            false,
            this::rotate),
        new Step("A pod-level change replaces the pod", false, this::rollout),
        new Step(
            "Deleting the resource removes its children and stops the proxy", true, this::delete));
  }

  public LocalCluster cluster() {
    return cluster;
  }

  public AuthentikStub authentik() {
    return authentik;
  }

  public Optional<LocalPod> pod() {
    return Optional.ofNullable(pod);
  }

  /** Commands a person can paste while everything runs. */
  public List<String> tryItYourself() throws IOException {
    Path caFile = work.resolve("sso-ca.crt");
    StringBuilder pem = new StringBuilder();
    trusted.forEach(issued -> pem.append(issued.certificatePem()));
    Files.writeString(caFile, pem.toString());
    InetSocketAddress https = pod.httpsAddress();
    InetSocketAddress http = pod.httpAddress();
    InetSocketAddress admin = pod.adminAddress();
    String ip = https.getAddress().getHostAddress();
    return List.of(
        "curl --cacert "
            + caFile
            + " --resolve "
            + HOST
            + ":"
            + https.getPort()
            + ":"
            + ip
            + " https://"
            + HOST
            + ":"
            + https.getPort()
            + "/ -H 'X-Forwarded-For: 6.6.6.6'",
        "curl -i http://" + ip + ":" + http.getPort() + "/ -H 'Host: " + HOST + "'",
        "curl http://" + ip + ":" + admin.getPort() + "/status",
        "curl http://" + ip + ":" + admin.getPort() + "/metrics");
  }

  // ---- the steps ----

  private void create(Story story) throws Exception {
    Issued first = Certificates.forHosts(HOST).issue();
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(LocalCluster.tlsSecret(NAMESPACE, TLS_SECRET, first))
        .create();
    try (InputStream yaml = WholeLoop.class.getResourceAsStream(RESOURCE_FILE)) {
      AuthentikProxy proxy = client.resources(AuthentikProxy.class).load(yaml).item();
      client.resources(AuthentikProxy.class).inNamespace(NAMESPACE).resource(proxy).create();
    }
    trusted.add(first);
    served = first;
    story.say(
        "Created Secret "
            + TLS_SECRET
            + " (kubernetes.io/tls, serial "
            + first.serialHex()
            + ") and AuthentikProxy "
            + NAME
            + ":\n"
            + indent(resourceText()));
    pod =
        new LocalPod(
                client,
                NAMESPACE,
                NAME + "-proxy",
                work.resolve("pods"),
                runtimeJar,
                cluster.clusterDns(authentik),
                kubelet,
                KUBELET_SYNC)
            .start();
    if (!story.await("AuthentikProxy " + NAME + " Ready", STEP_TIMEOUT, this::isReady)) {
      story.say("  last kubelet error: " + pod.lastError().orElse("none"));
      pod.runtime().ifPresent(r -> story.say("  runtime log:\n" + r.logText()));
      return;
    }
    RuntimeProcess runtime = pod.runtime().orElseThrow();
    pid = runtime.pid();
    story.say(
        "The operator rendered ConfigMap "
            + NAME
            + "-proxy and Deployment "
            + NAME
            + "-proxy; the kubelet stand-in projected them under "
            + pod.root()
            + " (atomic ..data swaps) and started the runtime (pid "
            + pid
            + ") on the pod address "
            + pod.address().getHostAddress());
    String desired = current().getStatus().configHash;
    String loaded = RuntimeStatus.of(runtime).configHash();
    story.check(
        "the pod serves the operator's proxy.json unmodified: /status configHash = status.configHash = "
            + desired,
        desired != null && desired.equals(loaded),
        loaded);
    Instant now = Instant.now();
    story.say("\n$ kubectl get akp -n " + NAMESPACE + " -o wide");
    story.say(KubectlView.getWide(cluster.crd(), List.of(current()), now).stripTrailing());
    story.say("\n$ kubectl describe akp " + NAME + " -n " + NAMESPACE);
    story.say(KubectlView.describe(current(), events(), now).stripTrailing());
  }

  private void traffic(Story story) throws IOException {
    ProxyClient.Response response =
        browser()
            .get(
                "/if/flow/default-authentication-flow/?next=%2F",
                Map.of("X-Forwarded-For", "203.0.113.66"));
    Received received = authentik.last();
    story.say(
        "GET https://"
            + HOST
            + "/if/flow/default-authentication-flow/ with a spoofed X-Forwarded-For: 203.0.113.66 →");
    story.say(
        "  status "
            + response.status()
            + ", Strict-Transport-Security: "
            + response.header("strict-transport-security"));
    story.say(
        "  authentik received: Host="
            + received.header("host")
            + ", X-Forwarded-For="
            + received.header("x-forwarded-for")
            + ", X-Forwarded-Proto="
            + received.header("x-forwarded-proto")
            + ", X-Forwarded-Host="
            + received.header("x-forwarded-host"));
    story.check(
        "the request was answered 200 by authentik", response.status() == 200, response.status());
    story.check(
        "HSTS on the response (max-age=63072000)",
        "max-age=63072000".equals(response.header("strict-transport-security")),
        response.header("strict-transport-security"));
    story.check(
        "authentik saw the Host the client asked for",
        HOST.equals(received.header("host")),
        received.header("host"));
    story.check(
        "the spoofed X-Forwarded-For was replaced by the client's address ("
            + response.clientAddress()
            + ")",
        response.clientAddress().equals(received.header("x-forwarded-for")),
        received.header("x-forwarded-for"));
    story.check(
        "X-Forwarded-Proto: https and X-Forwarded-Host: " + HOST,
        "https".equals(received.header("x-forwarded-proto"))
            && HOST.equals(received.header("x-forwarded-host")),
        received.header("x-forwarded-proto") + " / " + received.header("x-forwarded-host"));
  }

  private void redirect(Story story) throws IOException {
    String location = plainHttpLocation(pod.httpAddress(), HOST, "/if/admin/?x=1");
    story.say("GET http://" + HOST + "/if/admin/?x=1 → 301 " + location);
    story.check(
        "a client that came through the Service's port 80 is sent to https://"
            + HOST
            + "/ with path and query kept",
        ("https://" + HOST + "/if/admin/?x=1").equals(location),
        location);
  }

  private void websocket(Story story) throws IOException {
    String echo = browser().websocketEcho("/ws/client/", "hello authentik");
    story.check(
        "a WebSocket at /ws/client/ is tunnelled both ways (echo: \"" + echo + "\")",
        "hello authentik".equals(echo));
  }

  private void trustedCidrs(Story story) throws IOException {
    ProxyClient browser = browser();
    String peer = browser.get("/", Map.of()).clientAddress();
    editSpec(spec -> spec.trustedProxyCIDRs = List.of("127.0.0.0/8"));
    story.say(
        "$ kubectl patch akp "
            + NAME
            + " --type merge -p '{\"spec\":{\"trustedProxyCIDRs\":[\"127.0.0.0/8\"]}}'");
    String chain = "203.0.113.66, " + peer;
    story.await(
        "a client in 127.0.0.0/8 is now trusted: authentik receives X-Forwarded-For: " + chain,
        STEP_TIMEOUT,
        () -> {
          browser.get("/", Map.of("X-Forwarded-For", "203.0.113.66"));
          return chain.equals(authentik.last().header("x-forwarded-for"));
        });
    checkSamePid(story);
  }

  private void badSecret(Story story) throws IOException {
    Issued other = Certificates.forHosts(HOST).issue();
    Issued mismatched = other.withKeyOf(Certificates.forHosts(HOST).issue());
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(LocalCluster.tlsSecret(NAMESPACE, TLS_SECRET, mismatched))
        .update();
    story.say(
        "Secret "
            + TLS_SECRET
            + " now holds certificate "
            + other.serialHex()
            + " with a key that is not its own");
    story.await(
        "status: TLSReady=False, reason KeyMismatch",
        STEP_TIMEOUT,
        () ->
            condition("TLSReady")
                .filter(c -> "False".equals(c.getStatus()) && "KeyMismatch".equals(c.getReason()))
                .isPresent());
    // Two kubelet syncs after the verdict: whatever the pod was going to be given, it has it.
    long syncs = pod.syncs();
    story.await("the kubelet synced the pod since", STEP_TIMEOUT, () -> pod.syncs() >= syncs + 2);
    String copy = NAME + "-proxy-tls";
    story.check(
        "the pods' copy, Secret " + copy + ", still holds the last good certificate",
        tlsCopyHolds(copy, served),
        "another certificate");
    RuntimeStatus status = RuntimeStatus.of(pod.runtime().orElseThrow());
    story.check(
        "the runtime never saw the bad pair: /status lastReload ok, no failed reload",
        !status.lastReloadFailed() && status.reloadsFailed() == 0,
        status);
    String serial = browser().get("/", Map.of()).certificateSerial();
    story.check(
        "the last good certificate (" + served.serialHex() + ") keeps serving",
        served.serialHex().equals(serial),
        serial);
    checkSamePid(story);
  }

  private boolean tlsCopyHolds(String secretName, Issued issued) {
    Secret copy = client.secrets().inNamespace(NAMESPACE).withName(secretName).get();
    return copy != null
        && copy.getData() != null
        && issued.tlsSecretData().get("tls.crt").equals(copy.getData().get("tls.crt"));
  }

  private void rotate(Story story) throws Exception {
    Issued next = Certificates.forHosts(HOST).issue();
    trusted.add(next);
    ProxyClient browser = browser();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    Thread load =
        new Thread(
            () -> {
              while (running.get()) {
                try {
                  int status = browser.get("/if/flow/", Map.of()).status();
                  if (status != 200) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, "status " + status);
                  }
                } catch (IOException | RuntimeException e) {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(null, e.toString());
                }
                sent.incrementAndGet();
              }
            },
            "rotation-load");
    load.start();
    try {
      story.await("requests flowing before the rotation", STEP_TIMEOUT, () -> sent.get() >= 5);
      client
          .secrets()
          .inNamespace(NAMESPACE)
          .resource(LocalCluster.tlsSecret(NAMESPACE, TLS_SECRET, next))
          .update();
      story.say(
          "Rotating the certificate through the API while a client keeps sending: Secret "
              + TLS_SECRET
              + " now holds serial "
              + next.serialHex()
              + " (served: "
              + served.serialHex()
              + ")");
      story.await(
          "the new certificate is served on new connections",
          STEP_TIMEOUT,
          () -> next.serialHex().equals(browser.get("/", Map.of()).certificateSerial()));
      int atSwap = sent.get();
      story.await("requests keep flowing after it", STEP_TIMEOUT, () -> sent.get() >= atSwap + 5);
    } finally {
      running.set(false);
      load.join();
    }
    story.check(
        "not one of " + sent.get() + " requests failed during the rotation",
        failed.get() == 0,
        failed.get() + " failed, the first: " + firstFailure.get());
    served = next;
    story.await(
        "status.certificate.serial is " + next.serialHex(),
        STEP_TIMEOUT,
        () -> next.serialHex().equals(current().getStatus().certificate.serial));
    story.await("Ready again", STEP_TIMEOUT, this::isReady);
    checkSamePid(story);
    story.say("\n$ kubectl get akp -n " + NAMESPACE + " -o wide");
    story.say(
        KubectlView.getWide(cluster.crd(), List.of(current()), Instant.now()).stripTrailing());
  }

  private void rollout(Story story) throws IOException {
    int before = pod.generation();
    long oldPid = pid;
    editSpec(spec -> spec.podAnnotations = Map.of("example.com/rollout", "1"));
    story.say(
        "$ kubectl patch akp "
            + NAME
            + " --type merge -p '{\"spec\":{\"podAnnotations\":{\"example.com/rollout\":\"1\"}}}'");
    story.await(
        "a new pod runs a new runtime process",
        STEP_TIMEOUT,
        () ->
            pod.generation() > before && pod.runtime().map(RuntimeProcess::isReady).orElse(false));
    pod.runtime().ifPresent(r -> pid = r.pid());
    story.check("the runtime was restarted (pid " + oldPid + " → " + pid + ")", pid != oldPid);
    story.await("Ready again", STEP_TIMEOUT, this::isReady);
    ProxyClient.Response response = browser().get("/", Map.of());
    story.check(
        "the new pod (" + pod.address().getHostAddress() + ") serves " + served.serialHex(),
        response.status() == 200 && served.serialHex().equals(response.certificateSerial()),
        response.status() + " " + response.certificateSerial());
  }

  private void delete(Story story) {
    RuntimeProcess runtime = pod.runtime().orElseThrow();
    client.resources(AuthentikProxy.class).inNamespace(NAMESPACE).withName(NAME).delete();
    story.say("$ kubectl delete akp " + NAME + " -n " + NAMESPACE);
    String child = NAME + "-proxy";
    story.await(
        "ConfigMap, Deployment, Service, ServiceAccount "
            + child
            + " and the certificate copy "
            + child
            + "-tls are gone",
        STEP_TIMEOUT,
        () ->
            client.configMaps().inNamespace(NAMESPACE).withName(child).get() == null
                && client.secrets().inNamespace(NAMESPACE).withName(child + "-tls").get() == null
                && client.apps().deployments().inNamespace(NAMESPACE).withName(child).get() == null
                && client.services().inNamespace(NAMESPACE).withName(child).get() == null
                && client.serviceAccounts().inNamespace(NAMESPACE).withName(child).get() == null);
    story.await("the proxy process stopped", STEP_TIMEOUT, () -> !runtime.isAlive());
  }

  // ---- helpers ----

  private void checkSamePid(Story story) {
    Optional<RuntimeProcess> runtime = pod.runtime();
    story.check(
        "the runtime was not restarted (pid " + pid + ")",
        runtime.isPresent() && runtime.get().pid() == pid && runtime.get().isAlive(),
        runtime.map(r -> "pid " + r.pid() + (r.isAlive() ? "" : ", exited")).orElse("no runtime"));
  }

  /** A browser trusting every certificate issued so far, reaching the pod's HTTPS listener. */
  private ProxyClient browser() {
    return new ProxyClient(
        HOST, pod.httpsAddress(), trusted.stream().map(Issued::certificate).toList());
  }

  private void editSpec(java.util.function.Consumer<AuthentikProxySpec> change) {
    client
        .resources(AuthentikProxy.class)
        .inNamespace(NAMESPACE)
        .withName(NAME)
        .edit(
            proxy -> {
              change.accept(proxy.getSpec());
              return proxy;
            });
  }

  private AuthentikProxy current() {
    return client.resources(AuthentikProxy.class).inNamespace(NAMESPACE).withName(NAME).get();
  }

  private boolean isReady() {
    return condition("Ready").filter(c -> "True".equals(c.getStatus())).isPresent();
  }

  private Optional<Condition> condition(String type) {
    AuthentikProxy proxy = current();
    if (proxy == null || proxy.getStatus() == null) {
      return Optional.empty();
    }
    return proxy.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> NAME.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  /** The Location of a plain-HTTP request for {@code path} with {@code Host: hostHeader}. */
  private static String plainHttpLocation(InetSocketAddress http, String hostHeader, String path)
      throws IOException {
    try (Socket socket = new Socket(http.getAddress(), http.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String response =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return response
          .lines()
          .filter(l -> l.regionMatches(true, 0, "location:", 0, 9))
          .map(l -> l.substring(9).trim())
          .findFirst()
          .orElse("(no Location in: " + response.lines().findFirst().orElse("") + ")");
    }
  }

  static String resourceText() {
    try (InputStream in = WholeLoop.class.getResourceAsStream(RESOURCE_FILE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.startsWith("#"))
          .reduce("", (a, b) -> a + b + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String indent(String text) {
    return text.lines().map(l -> "    " + l).reduce("", (a, b) -> a + b + "\n").stripTrailing();
  }

  @Override
  public void close() {
    if (pod != null) {
      pod.close();
    }
    kubelet.close();
    authentik.close();
    cluster.close();
  }
}
