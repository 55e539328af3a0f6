import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The reload row's driver: every {@code intervalMs} for {@code durationMs}, replaces a proxy's
 * certificate and configuration with the other of two variants ({@code a}, {@code b}), then every
 * 50 ms opens a new TLS connection until the proxy serves the new certificate serial and the new
 * HSTS max-age, or 95% of the interval has passed. One process doing it all keeps the pace on a
 * busy load core, where starting a process per step would not.
 *
 * <p>Two ways to replace the files:
 *
 * <ul>
 *   <li>{@code kubelet <tlsVolume> <configVolume> <root>}: as the kubelet updates a projected
 *       Secret and ConfigMap: the variant's files ({@code <root>/certs/<v>/*}, {@code
 *       <root>/configs/<v>/*}) copied into a new timestamped directory, a {@code ..data_tmp}
 *       symlink to it renamed over {@code ..data} (atomic), the old directory removed.
 *   <li>{@code nginx <nginxDir> <root> <reload command...>}: {@code tls.crt}, {@code tls.key} and
 *       {@code nginx.conf} rewritten in place from {@code <root>/certs/<v>/} and {@code
 *       <root>/nginx-conf/<v>.conf}, then the reload command ({@code nginx -s reload}) run.
 * </ul>
 *
 * <p>The expected serial comes from {@code <root>/certs/<v>/tls.crt}, the expected max-age from
 * {@code <root>/hsts-<v>}. Prints one line per swap and a summary: {@code swaps=N applied=M late=L
 * slowest_swap_ms=S apply_ms_p50=P apply_ms_max=X}, where applied counts the swaps a new client saw
 * before the next one, and apply_ms is how long after the swap it first saw them.
 *
 * <p>Usage: {@code ReloadDriver <port> <host> <intervalMs> <durationMs> kubelet|nginx ...}
 */
public class ReloadDriver {

  private static final List<String> VARIANTS = List.of("a", "b");
  private static final long PROBE_EVERY = TimeUnit.MILLISECONDS.toNanos(50);

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String host = args[1];
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
    long durationNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[3]));
    String mode = args[4];
    List<String> rest = Arrays.asList(args).subList(5, args.length);
    Swapper swapper =
        switch (mode) {
          case "kubelet" ->
              new KubeletSwapper(Path.of(rest.get(0)), Path.of(rest.get(1)), Path.of(rest.get(2)));
          case "nginx" ->
              new NginxSwapper(
                  Path.of(rest.get(0)), Path.of(rest.get(1)), rest.subList(2, rest.size()));
          default -> throw new IllegalArgumentException("mode must be kubelet or nginx: " + mode);
        };
    Path root = Path.of(mode.equals("kubelet") ? rest.get(2) : rest.get(1));
    Map<String, String> expected =
        Map.of("a", expectedIdentity(root, "a"), "b", expectedIdentity(root, "b"));
    IdentityProbe probe = new IdentityProbe(host, port);
    for (int i = 0; i < 5; i++) {
      probe.served(); // class loading and JDK TLS set-up before the first timed swap
    }

    int swaps = 0;
    int late = 0;
    long slowestSwap = 0;
    List<Long> applyMillis = new ArrayList<>();
    long start = System.nanoTime();
    long tick = start;
    while (tick + intervalNanos <= start + durationNanos) {
      long swapStart = System.nanoTime();
      String variant = VARIANTS.get((swaps + 1) % 2);
      swaps++;
      swapper.swap(variant);
      long swapNanos = System.nanoTime() - swapStart;
      slowestSwap = Math.max(slowestSwap, swapNanos);
      // Probe every PROBE_EVERY until a new client sees the new variant, up to 95% of the interval.
      long deadline = tick + intervalNanos * 95 / 100;
      long probeAt = swapStart + PROBE_EVERY;
      String served = "not probed";
      long seenAfter = -1;
      while (probeAt <= deadline) {
        sleepUntil(probeAt);
        long probeStart = System.nanoTime();
        served = probe.served();
        if (served.equals(expected.get(variant))) {
          seenAfter = TimeUnit.NANOSECONDS.toMillis(probeStart - swapStart);
          break;
        }
        probeAt = Math.max(probeAt + PROBE_EVERY, System.nanoTime());
      }
      if (seenAfter >= 0) {
        applyMillis.add(seenAfter);
      }
      System.out.printf(
          "swap %d at +%d ms: variant %s written in %d ms; %s%n",
          swaps,
          TimeUnit.NANOSECONDS.toMillis(swapStart - start),
          variant,
          TimeUnit.NANOSECONDS.toMillis(swapNanos),
          seenAfter >= 0
              ? "a new client saw it after " + seenAfter + " ms"
              : "NOT applied in time: a new client saw "
                  + served
                  + ", expected "
                  + expected.get(variant));
      // The next swap is one interval after this one, or now if this one overran (counted as
      // late): never two swaps closer together than the interval, so each proxy gets the same
      // time to apply each one.
      long next = tick + intervalNanos;
      long after = System.nanoTime();
      if (after > next + intervalNanos / 10) {
        late++;
        next = after;
      }
      tick = next;
      sleepUntil(tick);
    }
    applyMillis.sort(null);
    System.out.printf(
        "swaps=%d applied=%d late=%d slowest_swap_ms=%d apply_ms_p50=%s apply_ms_max=%s%n",
        swaps,
        applyMillis.size(),
        late,
        TimeUnit.NANOSECONDS.toMillis(slowestSwap),
        applyMillis.isEmpty() ? "-" : applyMillis.get(applyMillis.size() / 2),
        applyMillis.isEmpty() ? "-" : applyMillis.get(applyMillis.size() - 1));
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long pause = nanoTime - System.nanoTime();
    if (pause > 0) {
      TimeUnit.NANOSECONDS.sleep(pause);
    }
  }

  /** "{@code <serial hex> <max-age>}" that the variant should make a new client see. */
  private static String expectedIdentity(Path root, String variant) throws Exception {
    X509Certificate certificate;
    try (InputStream in = Files.newInputStream(root.resolve("certs/" + variant + "/tls.crt"))) {
      certificate =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String maxAge = Files.readString(root.resolve("hsts-" + variant)).trim();
    return certificate.getSerialNumber().toString(16) + " " + maxAge;
  }

  interface Swapper {
    void swap(String variant) throws IOException, InterruptedException;
  }

  /** The kubelet's atomic writer, for a Secret volume and a ConfigMap volume. */
  record KubeletSwapper(Path tlsVolume, Path configVolume, Path root) implements Swapper {

    private static final DateTimeFormatter STAMP =
        DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss");
    private static int sequence;

    @Override
    public void swap(String variant) throws IOException {
      publish(tlsVolume, root.resolve("certs/" + variant));
      publish(configVolume, root.resolve("configs/" + variant));
    }

    private static void publish(Path volume, Path source) throws IOException {
      Path data = volume.resolve("..data");
      Path old = Files.isSymbolicLink(data) ? volume.resolve(Files.readSymbolicLink(data)) : null;
      Path fresh = volume.resolve(".." + STAMP.format(LocalDateTime.now()) + "." + (++sequence));
      Files.createDirectory(fresh);
      try (Stream<Path> files = Files.list(source)) {
        for (Path file : files.toList()) {
          Files.copy(file, fresh.resolve(file.getFileName()));
        }
      }
      Path link = volume.resolve("..data_tmp");
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, fresh.getFileName());
      Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (old != null && !old.equals(fresh)) {
        deleteTree(old);
      }
    }

    private static void deleteTree(Path dir) throws IOException {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  /** What an admin does for nginx: files rewritten, then {@code nginx -s reload}. */
  record NginxSwapper(Path nginxDir, Path root, List<String> reloadCommand) implements Swapper {

    @Override
    public void swap(String variant) throws IOException, InterruptedException {
      Path certs = root.resolve("certs/" + variant);
      Files.copy(
          certs.resolve("tls.crt"),
          nginxDir.resolve("tls.crt"),
          StandardCopyOption.REPLACE_EXISTING);
      Files.copy(
          certs.resolve("tls.key"),
          nginxDir.resolve("tls.key"),
          StandardCopyOption.REPLACE_EXISTING);
      Files.copy(
          root.resolve("nginx-conf/" + variant + ".conf"),
          nginxDir.resolve("nginx.conf"),
          StandardCopyOption.REPLACE_EXISTING);
      Process reload =
          new ProcessBuilder(reloadCommand)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (reload.waitFor() != 0) {
        System.out.println("reload command failed with exit code " + reload.exitValue());
      }
    }
  }

  /** A new TLS connection (no session reuse) and one GET: the serial and HSTS it was served. */
  static final class IdentityProbe {
    private final String host;
    private final int port;

    IdentityProbe(String host, int port) {
      this.host = host;
      this.port = port;
    }

    String served() {
      // A new context per probe: a resumed TLS 1.3 session carries no certificate, and the JDK
      // would report the one from the session it resumed.
      SSLContext context;
      try {
        context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(host)));
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        BigInteger serial =
            ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        socket
            .getOutputStream()
            .write(
                ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        return serial.toString(16) + " " + maxAge(head);
      } catch (IOException e) {
        return "error(" + e.getMessage() + ")";
      }
    }

    private static String readHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      int c;
      while ((c = in.read()) != -1) {
        head.append((char) c);
        if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
          break;
        }
      }
      return head.toString();
    }

    private static String maxAge(String head) {
      List<String> found = new ArrayList<>();
      for (String line : head.split("\r\n")) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("strict-transport-security:") && lower.contains("max-age=")) {
          found.add(lower.substring(lower.indexOf("max-age=") + 8).split(";")[0].trim());
        }
      }
      return found.isEmpty() ? "none" : String.join(",", found);
    }
  }

  /** The bench's certificates are self-signed throwaways: what is checked is which one. */
  static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
