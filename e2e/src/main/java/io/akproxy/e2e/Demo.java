package io.akproxy.e2e;

import io.akproxy.operator.api.AuthentikProxy;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * {@code make demo}: the whole loop on one machine. An embedded API server with the CRD, the
 * operator, a TLS Secret and an AuthentikProxy; the kubelet's part played by {@link LocalPod}; the
 * runtime process in front of a fake authentik. Shows the resource as kubectl would, sends traffic,
 * rotates the certificate through the API and shows it served without a restart. With {@code
 * --check} ({@code make demo-check}) it exits when the story is told: 0 if every step happened.
 */
public final class Demo {

  static final String NAMESPACE = "authentik";
  static final String NAME = "sso";
  static final String HOST = "sso.example.com";
  static final String TLS_SECRET = "sso-tls";
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

  private final boolean check;
  private final Path runtimeJar;
  private final List<String> failures = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  private Demo(boolean check, Path runtimeJar) {
    this.check = check;
    this.runtimeJar = runtimeJar;
  }

  public static void main(String[] args) throws Exception {
    boolean check = List.of(args).contains("--check");
    Path jar = RuntimeProcess.jar();
    Demo demo = new Demo(check, jar);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  demo.closeAll();
                  stopped.countDown();
                }));
    int exit;
    try {
      exit = demo.run();
    } catch (Exception e) {
      System.out.println("\n✘ the demo stopped: " + e);
      exit = 1;
    }
    if (check || exit != 0) {
      System.exit(exit);
    }
    System.out.println("\nEverything keeps running. Press Ctrl-C to stop it all.");
    stopped.await();
  }

  int run() throws Exception {
    Path work = Files.createTempDirectory("akproxy-demo-");
    title("akproxy demo: the whole loop, no cluster needed (work directory " + work + ")");

    LocalCluster cluster = LocalCluster.start(NAMESPACE);
    resources.add(cluster);
    KubernetesClient client = cluster.client();
    step(
        "Embedded API server at "
            + cluster.url()
            + " with the AuthentikProxy CRD; the operator"
            + " watches namespace "
            + NAMESPACE);

    FakeAuthentik authentik = cluster.startAuthentik();
    resources.add(authentik);
    step(
        "Fake authentik (echoes the headers it receives; WebSocket echo under /ws/) on "
            + authentik.url()
            + ", behind Service authentik-server (ports https 9443, http 9000)");

    DemoCertificates.Issued firstCert =
        DemoCertificates.selfSigned(List.of(HOST), Duration.ofDays(90));
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(firstCert.tlsSecret(NAMESPACE, TLS_SECRET))
        .create();
    AuthentikProxy proxy =
        client
            .resources(AuthentikProxy.class)
            .inNamespace(NAMESPACE)
            .load(Demo.class.getResourceAsStream("/demo-authentikproxy.yaml"))
            .item();
    client.resources(AuthentikProxy.class).inNamespace(NAMESPACE).resource(proxy).create();
    step(
        "Created Secret "
            + TLS_SECRET
            + " (kubernetes.io/tls, serial "
            + firstCert.serialHex()
            + ") and AuthentikProxy "
            + NAME
            + ":\n"
            + indent(resourceText()));

    LocalPod pod =
        new LocalPod(
            client,
            NAMESPACE,
            NAME + "-proxy",
            work.resolve("pod"),
            runtimeJar,
            cluster.clusterDns(authentik));
    resources.add(0, pod);
    pod.start(Duration.ofMillis(500));
    boolean ready = await("AuthentikProxy " + NAME + " Ready", () -> isReady(client));
    if (!ready) {
      System.out.println("  last kubelet error: " + pod.lastError().orElse("none"));
      pod.runtime().ifPresent(r -> System.out.println("  runtime log: " + r.log()));
      return finish();
    }
    step(
        "The operator rendered ConfigMap "
            + NAME
            + "-proxy and Deployment "
            + NAME
            + "-proxy; the kubelet stand-in projected them into "
            + pod.root()
            + " (atomic ..data swaps) and started the runtime (pid "
            + pod.runtime().orElseThrow().pid()
            + ")");

    Instant now = Instant.now();
    System.out.println("\n$ kubectl get akp -n " + NAMESPACE + " -o wide");
    System.out.print(KubectlView.getWide(cluster.crd(), List.of(current(client)), now));
    System.out.println("\n$ kubectl describe akp " + NAME + " -n " + NAMESPACE);
    System.out.print(KubectlView.describe(current(client), events(client), now));

    ProxyClient browser = new ProxyClient(HOST, pod.httpsPort(), List.of(firstCert.certificate()));
    ProxyClient.Response response =
        browser.get(
            "/if/flow/default-authentication-flow/?next=%2F",
            Map.of("X-Forwarded-For", "203.0.113.66"));
    FakeAuthentik.Received received = authentik.lastReceived();
    System.out.println(
        "\nGET https://"
            + HOST
            + "/if/flow/default-authentication-flow/ with a spoofed"
            + " X-Forwarded-For: 203.0.113.66 →");
    System.out.println(
        "  status "
            + response.status()
            + ", Strict-Transport-Security: "
            + response.header("strict-transport-security"));
    System.out.println(
        "  authentik received: Host="
            + received.header("host")
            + ", X-Forwarded-For="
            + received.header("x-forwarded-for")
            + ", X-Forwarded-Proto="
            + received.header("x-forwarded-proto")
            + ", X-Forwarded-Host="
            + received.header("x-forwarded-host"));
    expect(
        "traffic reaches authentik with the right headers and HSTS",
        response.status() == 200
            && HOST.equals(received.header("host"))
            && "127.0.0.1".equals(received.header("x-forwarded-for"))
            && "https".equals(received.header("x-forwarded-proto"))
            && "max-age=63072000".equals(response.header("strict-transport-security")));

    String redirect =
        plainHttpLocation(HOST + ":" + pod.httpPort(), pod.httpPort(), "/if/admin/?x=1");
    System.out.println(
        "\nGET http://" + HOST + ":" + pod.httpPort() + "/if/admin/?x=1 → 301 " + redirect);
    expect(
        "plain HTTP is redirected to HTTPS with host, port, path and query kept",
        ("https://" + HOST + ":" + pod.httpsPort() + "/if/admin/?x=1").equals(redirect));
    String viaService = plainHttpLocation(HOST, pod.httpPort(), "/");
    expect(
        "a client that came through the Service's port 80 is sent to port 443: " + viaService,
        ("https://" + HOST + "/").equals(viaService));

    String echo = browser.websocketEcho("/ws/client/", "hello authentik");
    expect(
        "a WebSocket at /ws/client/ is tunnelled both ways (echo: \"" + echo + "\")",
        "hello authentik".equals(echo));

    Path caFile = work.resolve("sso-ca.crt");
    Files.writeString(caFile, firstCert.certificatePem());
    System.out.println("\nTry it yourself:");
    System.out.println(
        "  curl --cacert "
            + caFile
            + " --resolve "
            + HOST
            + ":"
            + pod.httpsPort()
            + ":127.0.0.1 https://"
            + HOST
            + ":"
            + pod.httpsPort()
            + "/ -H 'X-Forwarded-For: 6.6.6.6'");
    System.out.println(
        "  curl -i http://127.0.0.1:" + pod.httpPort() + "/ -H 'Host: " + HOST + "'");
    System.out.println("  curl http://127.0.0.1:" + pod.adminPort() + "/status");
    System.out.println("  curl http://127.0.0.1:" + pod.adminPort() + "/metrics");

    DemoCertificates.Issued secondCert =
        DemoCertificates.selfSigned(List.of(HOST), Duration.ofDays(90));
    long pid = pod.runtime().orElseThrow().pid();
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(secondCert.tlsSecret(NAMESPACE, TLS_SECRET))
        .update();
    Files.writeString(caFile, firstCert.certificatePem() + secondCert.certificatePem());
    System.out.println(
        "\nRotating the certificate through the API: Secret "
            + TLS_SECRET
            + " now holds serial "
            + secondCert.serialHex()
            + " (was "
            + firstCert.serialHex()
            + ")");
    ProxyClient rotatedBrowser =
        new ProxyClient(
            HOST, pod.httpsPort(), List.of(firstCert.certificate(), secondCert.certificate()));
    boolean served =
        await(
            "the new certificate served on new connections",
            () -> secondCert.serialHex().equals(servedSerial(rotatedBrowser)));
    boolean status =
        await(
            "status.certificate.serial updated",
            () ->
                current(client).getStatus().certificate != null
                    && secondCert
                        .serialHex()
                        .equals(current(client).getStatus().certificate.serial));
    expect(
        "the runtime was not restarted (pid " + pid + ")",
        served
            && status
            && pod.runtime().orElseThrow().pid() == pid
            && pod.runtime().orElseThrow().isAlive());
    System.out.println("\n$ kubectl get akp -n " + NAMESPACE + " -o wide");
    System.out.print(KubectlView.getWide(cluster.crd(), List.of(current(client)), Instant.now()));
    return finish();
  }

  private int finish() {
    if (failures.isEmpty()) {
      System.out.println("\n✔ every step happened");
      return 0;
    }
    System.out.println("\n✘ " + failures.size() + " step(s) did not happen: " + failures);
    return 1;
  }

  private static String servedSerial(ProxyClient client) {
    try {
      return client.get("/-/health/live/", Map.of()).certificateSerial();
    } catch (IOException e) {
      return "unreachable: " + e.getMessage();
    }
  }

  private static String plainHttpLocation(String hostHeader, int port, String path)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return response
          .lines()
          .filter(l -> l.regionMatches(true, 0, "location:", 0, 9))
          .map(l -> l.substring(9).trim())
          .findFirst()
          .orElse("(no Location in: " + response.lines().findFirst().orElse("") + ")");
    }
  }

  static AuthentikProxy current(KubernetesClient client) {
    return client.resources(AuthentikProxy.class).inNamespace(NAMESPACE).withName(NAME).get();
  }

  static boolean isReady(KubernetesClient client) {
    AuthentikProxy proxy = current(client);
    return proxy != null
        && proxy.getStatus() != null
        && proxy.getStatus().conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static List<Event> events(KubernetesClient client) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> NAME.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private static String resourceText() throws IOException {
    try (InputStream in = Demo.class.getResourceAsStream("/demo-authentikproxy.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.startsWith("#"))
          .reduce("", (a, b) -> a + b + "\n");
    }
  }

  private boolean await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(STEP_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      try {
        if (condition.getAsBoolean()) {
          step(what);
          return true;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      Thread.sleep(200);
    }
    fail(what + " (not within " + STEP_TIMEOUT.toSeconds() + " s)");
    return false;
  }

  private void expect(String what, boolean happened) {
    if (happened) {
      step(what);
    } else {
      fail(what);
    }
  }

  private static void step(String what) {
    System.out.println("✔ " + what);
  }

  private void fail(String what) {
    failures.add(what);
    System.out.println("✘ " + what);
  }

  private static void title(String text) {
    System.out.println(text + "\n" + "=".repeat(Math.min(text.length(), 100)));
  }

  private static String indent(String text) {
    return text.lines().map(l -> "    " + l).reduce("", (a, b) -> a + b + "\n");
  }

  private void closeAll() {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        // shutting down anyway
      }
    }
    resources.clear();
  }
}
