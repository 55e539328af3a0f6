package io.akproxy.runtime.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.runtime.support.AdminProbe;
import io.akproxy.runtime.support.PodFiles;
import io.akproxy.runtime.support.ProxyFixture;
import io.akproxy.testkit.runtime.RuntimeProcess;
import io.akproxy.testkit.time.Await;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, vector 6: the runtime as shipped (the jar with the image's JVM flags: SerialGC, a 64 MiB
 * heap cap, 64 MiB of direct memory) holds 1,000 idle TLS connections, and a client reading a large
 * download slowly, without running out of heap and while still serving everyone else. The heap cap
 * is the bound: a proxy that kept per-connection garbage or buffered the download would die of
 * OutOfMemoryError. Resident memory is printed for the record and checked only against a generous
 * ceiling (the figures belong to {@code make bench}).
 */
class BoundedMemoryIT {

  private static final int IDLE_CONNECTIONS = 1000;
  private static final long DOWNLOAD_MIB = 128;

  /** Far above a healthy footprint, far below what unbounded buffering would need. */
  private static final long RSS_CEILING_MIB = 400;

  @TempDir static Path root;
  private static CountingUpstream upstream;
  private static RuntimeProcess process;

  @BeforeAll
  static void start() throws Exception {
    upstream = new CountingUpstream();
    process =
        PodFiles.startRuntime(
            root, ProxyFixture.builder(root).upstreamUrl(upstream.url()).baseConfig());
  }

  @AfterAll
  static void stop() throws Exception {
    if (process != null) {
      process.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void holdsAThousandIdleConnectionsAndStillServesOthers() throws Exception {
    long before = rssMib();
    List<Socket> idle = new CopyOnWriteArrayList<>();
    ExecutorService openers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> opened = new ArrayList<>();
      for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        opened.add(
            openers.submit(
                () -> {
                  Socket socket = Wire.tls(process.listening().https());
                  idle.add(socket);
                  Wire.write(socket, "GET /idle HTTP/1.1\r\nHost: sso.example.com\r\n\r\n");
                  assertThat(Wire.readResponse(socket)).startsWith("HTTP/1.1 200");
                  return null;
                }));
      }
      for (Future<?> f : opened) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(metric("akproxy_open_connections{listener=\"https\"}"))
          .isGreaterThanOrEqualTo(IDLE_CONNECTIONS);
      assertThat(get("/other")).startsWith("HTTP/1.1 200");
      long after = rssMib();
      System.out.printf(
          "1000 idle TLS connections: RSS %d MiB before, %d MiB after (%.1f KiB each)%n",
          before, after, (after - before) * 1024.0 / IDLE_CONNECTIONS);
      assertThat(after).isLessThan(RSS_CEILING_MIB);
      assertHealthy();
    } finally {
      openers.shutdownNow();
      for (Socket socket : idle) {
        socket.close();
      }
    }
  }

  @Test
  void aSlowReaderOfALargeDownloadPausesAuthentikInsteadOfFillingTheHeap() throws Exception {
    try (Socket reader = Wire.tls(process.listening().https())) {
      Wire.write(
          reader, "GET /big?mib=" + DOWNLOAD_MIB + " HTTP/1.1\r\nHost: sso.example.com\r\n\r\n");
      String head = Wire.readHead(reader);
      assertThat(head)
          .startsWith("HTTP/1.1 200")
          .contains("content-length: " + (DOWNLOAD_MIB << 20));
      // The client reads nothing more for now: authentik must be held back within socket buffers.
      long heldBack =
          Await.untilStable(
              "authentik held back",
              Duration.ofMillis(500),
              Duration.ofSeconds(20),
              upstream::bigWritten);
      System.out.printf(
          "slow reader: authentik held back after %.1f MiB of %d MiB, RSS %d MiB%n",
          heldBack / 1048576.0, DOWNLOAD_MIB, rssMib());
      assertThat(heldBack).isLessThan(64L << 20);
      assertThat(get("/meanwhile")).startsWith("HTTP/1.1 200");
      assertThat(rssMib()).isLessThan(RSS_CEILING_MIB);

      AtomicLong read = new AtomicLong();
      InputStream in = reader.getInputStream();
      byte[] buffer = new byte[256 * 1024];
      while (read.get() < DOWNLOAD_MIB << 20) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        read.addAndGet(n);
      }
      assertThat(read.get()).isEqualTo(DOWNLOAD_MIB << 20);
      assertHealthy();
    }
  }

  private static void assertHealthy() throws IOException {
    assertThat(process.isAlive()).isTrue();
    assertThat(process.logText()).doesNotContain("OutOfMemoryError");
  }

  private static String get(String path) throws IOException {
    try (Socket socket = Wire.tls(process.listening().https())) {
      Wire.write(socket, "GET " + path + " HTTP/1.1\r\nHost: sso.example.com\r\n\r\n");
      return Wire.readResponse(socket);
    }
  }

  private static long metric(String series) {
    return AdminProbe.metric(process.listening().admin(), series);
  }

  private static long rssMib() throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for " + process.pid() + " in " + File.separator);
  }
}
