package io.akproxy.e2e;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.AuthentikProxySpec;
import io.akproxy.operator.model.PodRefresh;
import io.akproxy.testkit.authentik.AuthentikStub;
import io.akproxy.testkit.authentik.Received;
import io.akproxy.testkit.kubelet.PodSync;
import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.runtime.RuntimeProcess;
import io.akproxy.testkit.time.Await;
import io.akproxy.testkit.time.ManualClock;
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
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The whole loop, as one story that {@code make demo} prints and {@code WholeLoopIT} asserts: the
 * simulated API server with the operator, authentik's stand-in behind its Service, and a node that
 * runs each Pod the Deployment controller creates as a real runtime process ({@link LocalCluster}).
 * Each {@link Step} acts through the API, as a user would, and checks what the user relies on:
 * traffic, headers, redirect, WebSocket, live changes without a restart, a bad Secret kept out, a
 * rotation without a failed request, a pod-level change that does replace the pod, and deletion.
 */
public final class WholeLoop implements AutoCloseable {

  public static final String NAMESPACE = "authentik";
  public static final String NAME = "sso";
  public static final String HOST = "sso.example.com";
  public static final String TLS_SECRET = "sso-tls";
  public static final String RESOURCE_FILE = "/demo-authentikproxy.yaml";
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

  /**
   * The node's periodic pod sync, the real kubelet's 60 s. Between those syncs only a change of the
   * Pod object (the operator's annotation) delivers a changed ConfigMap or Secret; the story moves
   * the node's clock by hand ({@link #kubeletClock}) to show "the next periodic sync".
   */
  static final Duration KUBELET_SYNC = PodSync.DEFAULT_PERIOD;

  private static final Pattern READY_CONDITION =
      Pattern.compile("Status:\\s+True\\s*\\n\\s*Type:\\s+Ready\\b");
  private static final Pattern CONFIG_APPLIED_CONDITION =
      Pattern.compile("Status:\\s+True\\s*\\n\\s*Type:\\s+ConfigApplied\\b");

  /** One step of the story. */
  public record Step(String title, boolean endsTheDemo, Action action) {}

  /** What a step does, telling it to {@code story}. */
  @FunctionalInterface
  public interface Action {
    void run(Story story) throws Exception;
  }

  private final Path work;

  /** When the node's periodic syncs come: only when the story (or the demo's ticker) says. */
  private final ManualClock kubeletClock = ManualClock.startingNow();

  private final LocalCluster cluster;
  private final KubernetesClient client;
  private final AuthentikStub authentik;
  private final Path kubeconfig;
  private final Optional<Kubectl> kubectl;
  private final List<Issued> trusted = new ArrayList<>();
  private Issued served;
  private String podName;
  private long pid;

  private WholeLoop(Path work, Path runtimeJar) {
    this.work = work;
    this.cluster = LocalCluster.start(NAMESPACE, work, runtimeJar, kubeletClock, KUBELET_SYNC);
    this.client = cluster.client();
    this.authentik = cluster.authentik();
    this.kubeconfig = cluster.writeKubeconfig(work.resolve("kubeconfig"));
    this.kubectl = Kubectl.find(kubeconfig);
  }

  /** Starts the API server, the operator, the node and authentik's stand-in. */
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
            "A pair the node delivers broken is refused; the last good certificate keeps serving",
            false,
            this::brokenDelivery),
        new Step(
            "A rotated certificate is served without a restart or a failed request",
            false,
            this::rotate),
        new Step(
            "A node that ignores Pod updates delivers at its periodic sync; status says so meanwhile",
            false,
            this::laggingNode),
        new Step("A pod-level change replaces the pod", false, this::rollout),
        new Step(
            "A rollout that cannot finish is reported stuck while the old pod keeps serving",
            false,
            this::stuckRollout),
        new Step(
            "Deleting the resource removes its children and stops the proxy", true, this::delete));
  }

  public LocalCluster cluster() {
    return cluster;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The clock of the node's periodic syncs; the demo lets it follow real time after the story. */
  public ManualClock kubeletClock() {
    return kubeletClock;
  }

  public Optional<Kubectl> kubectl() {
    return kubectl;
  }

  /** Commands a person can paste while everything runs. */
  public List<String> tryItYourself() throws IOException {
    Path caFile = work.resolve("sso-ca.crt");
    StringBuilder pem = new StringBuilder();
    trusted.forEach(issued -> pem.append(issued.certificatePem()));
    Files.writeString(caFile, pem.toString());
    Path resource = work.resolve("sso.yaml");
    Files.writeString(resource, resourceText());
    LocalPod pod = pod();
    InetSocketAddress https = pod.httpsAddress();
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
        "curl -i http://" + ip + ":" + pod.httpAddress().getPort() + "/ -H 'Host: " + HOST + "'",
        "curl http://" + ip + ":" + pod.adminAddress().getPort() + "/status",
        "",
        "export KUBECONFIG=" + kubeconfig,
        "kubectl get akp,deploy,pods,svc,cm,secrets,events",
        "kubectl describe akp " + NAME,
        "kubectl get akp -w        # in a second terminal, while you try the rest",
        "kubectl wait --for=condition=Ready akp/" + NAME,
        "kubectl logs deploy/" + NAME + "-proxy   # the runtime process's own log",
        "kubectl explain akp.spec",
        "kubectl patch akp "
            + NAME
            + " --type merge -p '{\"spec\":{\"trustedProxyCIDRs\":[]}}'"
            + "   # then the curl above: authentik gets X-Forwarded-For 127.0.0.1 alone",
        "kubectl edit akp " + NAME + "   # replicas: 2 → a second pod, a second runtime process",
        "kubectl diff -f " + resource + "   # a server-side dry run: what apply would change",
        "kubectl apply -f " + resource + "   # the demo's file: what it sets wins again",
        "kubectl delete akp " + NAME + "   # the pod's process stops");
  }

  // ---- the steps ----

  private void create(Story story) throws Exception {
    Issued first = Certificates.forHosts(HOST).issue();
    client.secrets().inNamespace(NAMESPACE).resource(tlsSecret(first)).create();
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
    if (!story.await("AuthentikProxy " + NAME + " Ready", STEP_TIMEOUT, this::isReady)) {
      for (LocalPod pod : cluster.kubelet().pods()) {
        story.say("  pod " + pod.name() + ": " + pod.lastError().orElse("no sync error"));
        pod.runtime().ifPresent(r -> story.say("  runtime log:\n" + r.logText()));
      }
      return;
    }
    LocalPod pod = pod();
    RuntimeProcess runtime = pod.runtime().orElseThrow();
    podName = pod.name();
    pid = runtime.pid();
    story.say(
        "The operator rendered ConfigMap "
            + NAME
            + "-proxy and Deployment "
            + NAME
            + "-proxy; the Deployment controller created Pod "
            + podName
            + " (IP "
            + pod.address().getHostAddress()
            + "); the node projected its volumes under "
            + pod.root()
            + " (atomic ..data swaps) and started the runtime, pid "
            + pid);
    String desired = current().getStatus().configHash;
    String loaded = RuntimeStatus.of(runtime).configHash();
    story.check(
        "the pod serves the operator's proxy.json unmodified: /status configHash = status.configHash = "
            + desired,
        desired != null && desired.equals(loaded),
        loaded);
    story.await(
        "ConfigApplied=True: the operator read the pod's /status, it serves that config and"
            + " certificate "
            + first.serialHex(),
        STEP_TIMEOUT,
        () -> configApplied(first));
    story.say("  " + podsSummary());
    showResource(story);
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
    String location = plainHttpLocation(pod().httpAddress(), HOST, "/if/admin/?x=1");
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
    String before = current().getStatus().configHash;
    Instant changed = Instant.now();
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
    propagated(story, changed, () -> !before.equals(current().getStatus().configHash));
    checkSamePod(story);
  }

  private void badSecret(Story story) throws IOException {
    Issued other = Certificates.forHosts(HOST).issue();
    Issued mismatched = other.withKeyOf(Certificates.forHosts(HOST).issue());
    client.secrets().inNamespace(NAMESPACE).resource(tlsSecret(mismatched)).update();
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
    // Touching the Pod object makes the kubelet sync it now: whatever the pod would be given, it
    // has it after that sync.
    LocalPod pod = pod();
    long syncs = pod.syncs();
    client
        .pods()
        .inNamespace(NAMESPACE)
        .withName(pod.name())
        .edit(
            p -> {
              p.getMetadata().getAnnotations().put("example.com/touched", Instant.now().toString());
              return p;
            });
    story.await("the kubelet synced the pod since", STEP_TIMEOUT, () -> pod.syncs() > syncs);
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
    checkSamePod(story);
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
    Instant changed;
    try {
      story.await("requests flowing before the rotation", STEP_TIMEOUT, () -> sent.get() >= 5);
      changed = Instant.now();
      client.secrets().inNamespace(NAMESPACE).resource(tlsSecret(next)).update();
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
    propagated(story, changed, () -> configApplied(next));
    story.await("Ready again", STEP_TIMEOUT, this::isReady);
    checkSamePod(story);
  }

  private void brokenDelivery(Story story) throws IOException {
    Issued next = Certificates.forHosts(HOST).issue();
    Issued stranger = Certificates.forHosts(HOST).issue();
    String copy = NAME + "-proxy-tls";
    cluster
        .kubelet()
        .deliverSecret(
            copy,
            files -> {
              Map<String, byte[]> broken = new java.util.TreeMap<>(files);
              broken.put("tls.key", stranger.keyPem().getBytes(StandardCharsets.US_ASCII));
              return broken;
            });
    trusted.add(next);
    client.secrets().inNamespace(NAMESPACE).resource(tlsSecret(next)).update();
    story.say(
        "Secret "
            + TLS_SECRET
            + " now holds a good pair, serial "
            + next.serialHex()
            + "; the node writes a foreign tls.key beside its tls.crt into the pod's volume");
    LocalPod pod = pod();
    AtomicReference<RuntimeStatus> refused = new AtomicReference<>();
    story.await(
        "the runtime refused the pair it was given: /status lastReload failed, with its error",
        STEP_TIMEOUT,
        () -> {
          RuntimeStatus status = RuntimeStatus.of(pod.runtime().orElseThrow());
          refused.set(status);
          return status.lastReloadFailed() && status.lastReloadError() != null;
        });
    String error = refused.get().lastReloadError();
    story.say("  lastReload.error: " + error);
    story.await(
        "ConfigApplied=False, reason ReloadFailed, carrying the runtime's message",
        STEP_TIMEOUT,
        () ->
            condition("ConfigApplied")
                .filter(
                    c ->
                        "False".equals(c.getStatus())
                            && "ReloadFailed".equals(c.getReason())
                            && c.getMessage().contains(error))
                .isPresent());
    condition("ConfigApplied").ifPresent(c -> story.say("  message: " + c.getMessage()));
    String serial = browser().get("/", Map.of()).certificateSerial();
    story.check(
        "the last good certificate (" + served.serialHex() + ") keeps serving",
        served.serialHex().equals(serial),
        serial);
    cluster.kubelet().deliverSecret(copy, null);
    story.say(
        "The node is mended; its next periodic sync (60 s later: the story moves the node's clock)"
            + " delivers the pair the API holds");
    servedAfterPeriodicSync(story, next);
    checkSamePod(story);
  }

  /** The node's next periodic sync (its clock moved 60 s) delivers {@code next}; status follows. */
  private void servedAfterPeriodicSync(Story story, Issued next) {
    kubeletClock.advance(KUBELET_SYNC);
    story.await(
        "the new certificate " + next.serialHex() + " is served",
        STEP_TIMEOUT,
        () -> next.serialHex().equals(browser().get("/", Map.of()).certificateSerial()));
    served = next;
    story.await("ConfigApplied=True again", STEP_TIMEOUT, () -> configApplied(next));
  }

  private void laggingNode(Story story) throws IOException {
    LocalPod pod = pod();
    String annotationBefore = podAnnotation(pod.name());
    cluster.kubelet().honourPodUpdates(false);
    try {
      Issued next = Certificates.forHosts(HOST).issue();
      trusted.add(next);
      client.secrets().inNamespace(NAMESPACE).resource(tlsSecret(next)).update();
      story.say(
          "This node syncs a pod only every 60 s, whatever happens to the Pod object. Secret "
              + TLS_SECRET
              + " now holds serial "
              + next.serialHex());
      story.await(
          "the operator annotated pod " + pod.name() + " (akproxy.io/config-hash changed)",
          STEP_TIMEOUT,
          () -> !java.util.Objects.equals(annotationBefore, podAnnotation(pod.name())));
      story.await(
          "ConfigApplied=False, reason Propagating, while the pod serves the old certificate",
          STEP_TIMEOUT,
          () -> hasCondition("ConfigApplied", "False", "Propagating"));
      condition("ConfigApplied").ifPresent(c -> story.say("  message: " + c.getMessage()));
      String serial = browser().get("/", Map.of()).certificateSerial();
      story.check(
          "the pod still serves " + served.serialHex() + ": the node ignored the Pod update",
          served.serialHex().equals(serial),
          serial);
      story.say("60 s later, the node's periodic sync (the story moves the node's clock)");
      servedAfterPeriodicSync(story, next);
    } finally {
      cluster.kubelet().honourPodUpdates(true);
    }
    checkSamePod(story);
  }

  private void rollout(Story story) throws IOException {
    String oldPod = podName;
    long oldPid = pid;
    editSpec(spec -> spec.podAnnotations = Map.of("example.com/rollout", "1"));
    story.say(
        "$ kubectl patch akp "
            + NAME
            + " --type merge -p '{\"spec\":{\"podAnnotations\":{\"example.com/rollout\":\"1\"}}}'");
    story.await(
        "the Deployment controller replaced pod " + oldPod + " by a new one, Ready",
        STEP_TIMEOUT,
        () ->
            cluster.kubelet().find(oldPod).isEmpty()
                && cluster
                    .kubelet()
                    .newestReady()
                    .filter(p -> !p.name().equals(oldPod))
                    .isPresent());
    LocalPod pod = pod();
    podName = pod.name();
    pid = pod.runtime().orElseThrow().pid();
    story.check(
        "the new pod " + podName + " runs a new runtime process (pid " + oldPid + " → " + pid + ")",
        pid != oldPid);
    story.await("Ready again", STEP_TIMEOUT, this::isReady);
    ProxyClient.Response response = browser().get("/", Map.of());
    story.check(
        "the new pod (" + pod.address().getHostAddress() + ") serves " + served.serialHex(),
        response.status() == 200 && served.serialHex().equals(response.certificateSerial()),
        response.status() + " " + response.certificateSerial());
  }

  private void stuckRollout(Story story) throws IOException {
    String missing = "ghcr.io/akproxy/akproxy-runtime:does-not-exist";
    cluster.kubelet().imagesThatNeverPull(missing::equals);
    editSpec(spec -> spec.image = missing);
    story.say(
        "$ kubectl patch akp "
            + NAME
            + " --type merge -p '{\"spec\":{\"image\":\""
            + missing
            + "\"}}'");
    story.await(
        "the Deployment controller created a new pod; it waits in ImagePullBackOff",
        STEP_TIMEOUT,
        () ->
            client.pods().inNamespace(NAMESPACE).list().getItems().stream()
                .anyMatch(
                    p ->
                        p.getStatus() != null
                            && p.getStatus().getContainerStatuses() != null
                            && p.getStatus().getContainerStatuses().stream()
                                .anyMatch(
                                    c ->
                                        c.getState().getWaiting() != null
                                            && "ImagePullBackOff"
                                                .equals(c.getState().getWaiting().getReason()))));
    story.await(
        "meanwhile: Available=False, reason RolloutInProgress",
        STEP_TIMEOUT,
        () -> hasCondition("Available", "False", "RolloutInProgress"));
    Integer deadline =
        client
            .apps()
            .deployments()
            .inNamespace(NAMESPACE)
            .withName(NAME + "-proxy")
            .get()
            .getSpec()
            .getProgressDeadlineSeconds();
    Duration skip = Duration.ofSeconds((deadline == null ? 600 : deadline) + 1);
    story.say(
        skip.toMinutes()
            + " minutes later (the API server's clock skips past the Deployment's"
            + " progressDeadlineSeconds)");
    cluster.skipTime(skip);
    story.await(
        "Available=False, reason RolloutStuck (the Deployment says ProgressDeadlineExceeded)",
        STEP_TIMEOUT,
        () -> hasCondition("Available", "False", "RolloutStuck"));
    story.await(
        "Ready=False and Stalled=True: GitOps tools see a change that is not live",
        STEP_TIMEOUT,
        () -> hasCondition("Ready", "False", null) && hasCondition("Stalled", "True", null));
    condition("Ready")
        .ifPresent(c -> story.say("  Ready: " + c.getReason() + ": " + c.getMessage()));
    ProxyClient.Response response = browser().get("/", Map.of());
    story.check(
        "the old pod " + podName + " keeps serving (" + response.status() + ")",
        response.status() == 200
            && cluster.kubelet().find(podName).flatMap(LocalPod::runtime).isPresent(),
        response.status());
    editSpec(spec -> spec.image = null);
    story.say("$ kubectl patch akp " + NAME + " --type merge -p '{\"spec\":{\"image\":null}}'");
    story.await(
        "the waiting pod is gone, Ready again, ConfigApplied=True",
        STEP_TIMEOUT,
        () -> cluster.kubelet().pods().size() == 1 && isReady() && configApplied(served));
    cluster.kubelet().imagesThatNeverPull(image -> false);
    checkSamePod(story);
  }

  private void delete(Story story) {
    story.check(
        "at the end of the story: ConfigApplied=True, the pods serve what status says",
        configApplied(served),
        condition("ConfigApplied").map(Condition::getMessage).orElse("no ConfigApplied"));
    RuntimeProcess runtime = pod().runtime().orElseThrow();
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
        () -> remainingChildren(child).isEmpty());
    if (!remainingChildren(child).isEmpty()) {
      story.say("  still there: " + remainingChildren(child));
    }
    story.await(
        "its pods are gone and the proxy process stopped",
        STEP_TIMEOUT,
        () -> cluster.kubelet().pods().isEmpty() && !runtime.isAlive());
    if (!cluster.kubelet().pods().isEmpty()) {
      story.say(
          "  pods still running: "
              + cluster.kubelet().pods().stream().map(LocalPod::name).toList());
    }
  }

  // ---- helpers ----

  private List<String> remainingChildren(String child) {
    List<String> remaining = new ArrayList<>();
    if (client.configMaps().inNamespace(NAMESPACE).withName(child).get() != null) {
      remaining.add("configmap/" + child);
    }
    if (client.secrets().inNamespace(NAMESPACE).withName(child + "-tls").get() != null) {
      remaining.add("secret/" + child + "-tls");
    }
    if (client.apps().deployments().inNamespace(NAMESPACE).withName(child).get() != null) {
      remaining.add("deployment/" + child);
    }
    if (client.services().inNamespace(NAMESPACE).withName(child).get() != null) {
      remaining.add("service/" + child);
    }
    if (client.serviceAccounts().inNamespace(NAMESPACE).withName(child).get() != null) {
      remaining.add("serviceaccount/" + child);
    }
    return remaining;
  }

  /** {@code kubectl get} and {@code describe}: the user's own kubectl if installed, else ours. */
  private void showResource(Story story) {
    if (kubectl.isEmpty()) {
      Instant now = Instant.now();
      story.say(
          "\n$ kubectl get akp -n "
              + NAMESPACE
              + " -o wide   (kubectl is not installed: the demo's rendering)");
      story.say(KubectlView.getWide(cluster.crd(), List.of(current()), now).stripTrailing());
      story.say("\n$ kubectl describe akp " + NAME + " -n " + NAMESPACE);
      story.say(KubectlView.describe(current(), events(), now).stripTrailing());
      return;
    }
    Kubectl real = kubectl.get();
    story.say(
        "\n$ kubectl get akp -o wide   (your kubectl "
            + real.version()
            + ", KUBECONFIG="
            + kubeconfig
            + ")");
    Kubectl.Result get = real.run("get", "akp", "-o", "wide");
    story.say(get.out().stripTrailing() + get.err().stripTrailing());
    story.check(
        "kubectl get akp shows " + NAME + " Ready",
        get.exit() == 0 && "True".equals(column(get.out(), NAME, "READY")),
        get.err());
    story.say("\n$ kubectl describe akp " + NAME);
    Kubectl.Result describe = real.run("describe", "akp", NAME);
    story.say(describe.out().stripTrailing() + describe.err().stripTrailing());
    story.check(
        "kubectl describe akp shows the Ready condition True",
        describe.exit() == 0 && READY_CONDITION.matcher(describe.out()).find(),
        describe.err());
    story.check(
        "kubectl describe akp shows ConfigApplied True",
        describe.exit() == 0 && CONFIG_APPLIED_CONDITION.matcher(describe.out()).find(),
        describe.err());
  }

  /** The cell of {@code column} in the row of {@code name} of a kubectl table. */
  static String column(String table, String name, String column) {
    List<String> lines = table.lines().toList();
    if (lines.isEmpty()) {
      return null;
    }
    String header = lines.get(0);
    int start = header.indexOf(column);
    if (start < 0) {
      return null;
    }
    for (String line : lines.subList(1, lines.size())) {
      if (line.startsWith(name + " ") && line.length() > start) {
        return line.substring(start).split("\\s+", 2)[0];
      }
    }
    return null;
  }

  private void checkSamePod(Story story) {
    Optional<LocalPod> pod = cluster.kubelet().find(podName);
    Optional<RuntimeProcess> runtime = pod.flatMap(LocalPod::runtime);
    story.check(
        "the pod was not replaced nor its runtime restarted (pod " + podName + ", pid " + pid + ")",
        cluster.kubelet().pods().size() == 1
            && runtime.isPresent()
            && runtime.get().pid() == pid
            && runtime.get().isAlive(),
        cluster.kubelet().pods().stream()
            .map(p -> p.name() + " pid " + p.runtime().map(RuntimeProcess::pid).orElse(-1L))
            .toList());
  }

  /** The pod the story talks to: the newest one whose container is ready. */
  private LocalPod pod() {
    return cluster
        .kubelet()
        .newestReady()
        .orElseThrow(() -> new IllegalStateException("no ready pod"));
  }

  /** A browser trusting every certificate issued so far, reaching the pod's HTTPS listener. */
  private ProxyClient browser() {
    return new ProxyClient(
        HOST, pod().httpsAddress(), trusted.stream().map(Issued::certificate).toList());
  }

  private Secret tlsSecret(Issued issued) {
    return LocalCluster.tlsSecret(NAMESPACE, TLS_SECRET, issued);
  }

  private boolean tlsCopyHolds(String secretName, Issued issued) {
    Secret copy = client.secrets().inNamespace(NAMESPACE).withName(secretName).get();
    return copy != null
        && copy.getData() != null
        && issued.tlsSecretData().get("tls.crt").equals(copy.getData().get("tls.crt"));
  }

  private void editSpec(Consumer<AuthentikProxySpec> change) {
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

  /**
   * ConfigApplied=True for the current desired state, which serves {@code certificate}: the
   * operator read every Ready pod's /status.
   */
  private boolean configApplied(Issued certificate) {
    AuthentikProxy proxy = current();
    return proxy != null
        && proxy.getStatus() != null
        && proxy.getStatus().certificate != null
        && certificate.serialHex().equals(proxy.getStatus().certificate.serial)
        && hasCondition("ConfigApplied", "True", null);
  }

  /**
   * Waits for ConfigApplied=True with {@code desired}, and says how long it took since a change.
   */
  private void propagated(Story story, Instant changed, Await.Condition desired) {
    story.await(
        "ConfigApplied=True: every Ready pod serves the change",
        STEP_TIMEOUT,
        () -> desired.holds() && hasCondition("ConfigApplied", "True", null));
    LocalPod pod = pod();
    story.say(
        "  propagation: "
            + Duration.between(changed, Instant.now()).toMillis()
            + " ms from the change to ConfigApplied=True; the operator annotated pod "
            + pod.name()
            + " ("
            + PodRefresh.ANNOTATION
            + ": "
            + abbreviated(podAnnotation(pod.name()))
            + "), so the node synced it at once instead of at its next periodic sync (60 s)");
    story.say("  " + podsSummary());
  }

  private String podAnnotation(String pod) {
    var object = client.pods().inNamespace(NAMESPACE).withName(pod).get();
    return object == null || object.getMetadata().getAnnotations() == null
        ? null
        : object.getMetadata().getAnnotations().get(PodRefresh.ANNOTATION);
  }

  /** status.pods, as a line: counts and what each pod serves. */
  private String podsSummary() {
    var status = current().getStatus();
    if (status == null || status.pods == null) {
      return "status.pods: (none)";
    }
    StringBuilder line =
        new StringBuilder(
            "status.pods: "
                + status.pods.total
                + " total, "
                + status.pods.ready
                + " ready, "
                + status.pods.current
                + " current");
    for (var pod : status.pods.items) {
      line.append("; ")
          .append(pod.name)
          .append(" serves ")
          .append(abbreviated(pod.configHash))
          .append(" / ")
          .append(pod.certificateSerial);
    }
    return line.toString();
  }

  private static String abbreviated(String hash) {
    return hash == null || hash.length() < 19 ? String.valueOf(hash) : hash.substring(0, 19) + "…";
  }

  private boolean hasCondition(String type, String status, String reason) {
    return condition(type)
        .filter(
            c -> status.equals(c.getStatus()) && (reason == null || reason.equals(c.getReason())))
        .isPresent();
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
    cluster.close();
    kubeletClock.close();
  }
}
