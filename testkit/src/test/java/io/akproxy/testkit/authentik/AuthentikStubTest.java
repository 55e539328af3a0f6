package io.akproxy.testkit.authentik;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.testkit.pki.Certificates;
import io.akproxy.testkit.pki.Issued;
import io.akproxy.testkit.time.Await;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthentikStubTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private AuthentikStub start(AuthentikStub.Builder builder) {
    AuthentikStub stub = builder.start();
    toClose.add(stub);
    return stub;
  }

  private Wire connect(AuthentikStub stub) throws IOException {
    Wire wire = Wire.connect(stub.address());
    toClose.add(wire);
    return wire;
  }

  @Test
  void echoesMethodTargetAndEveryHeaderLineAsJsonAndRecordsTheRequest() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    Wire wire = connect(stub);

    Wire.Response response =
        wire.send(
                "POST /api/v3/flows/?x=1 HTTP/1.1\r\nHost: sso.example.com\r\n"
                    + "X-Forwarded-For: 203.0.113.1\r\nX-Forwarded-For: 10.0.0.1\r\n"
                    + "Content-Length: 5\r\n\r\nhello")
            .read();

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text())
        .isEqualTo(
            "{\"method\":\"POST\",\"path\":\"/api/v3/flows/?x=1\",\"version\":\"HTTP/1.1\","
                + "\"connection\":1,\"request\":1,\"headers\":{\"host\":[\"sso.example.com\"],"
                + "\"x-forwarded-for\":[\"203.0.113.1\",\"10.0.0.1\"],\"content-length\":[\"5\"]},"
                + "\"bodyBytes\":5}");
    Received received = stub.last();
    assertThat(received.path()).isEqualTo("/api/v3/flows/");
    assertThat(received.headers("x-forwarded-for")).containsExactly("203.0.113.1", "10.0.0.1");
    assertThat(received.headerNames()).containsExactly("host", "x-forwarded-for", "content-length");
    assertThat(received.bodyText()).isEqualTo("hello");
  }

  @Test
  void keepsTheConnectionAliveAcrossRequestsAndReadsChunkedBodies() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    Wire wire = connect(stub);

    wire.get("/one");
    wire.send(
            "POST /_stub/body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nTrailer: x\r\n\r\n")
        .read();
    Wire.Response third = wire.get("/three");

    assertThat(stub.received())
        .extracting(r -> r.connection() + "/" + r.onConnection() + " " + r.target())
        .containsExactly("1/1 /one", "1/2 /_stub/body", "1/3 /three");
    assertThat(stub.request("/_stub/body").bodyText()).isEqualTo("abcde");
    assertThat(third.header("connection")).isNull();
    assertThat(stub.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void servesHttpsAndRecordsTheServerNameTheClientIndicated() throws Exception {
    Issued certificate = Certificates.forHosts("authentik-server.authentik.svc").issue();
    AuthentikStub stub = start(AuthentikStub.builder().tls(certificate));
    assertThat(stub.url()).startsWith("https://127.0.0.1:");

    SSLSocket socket =
        (SSLSocket)
            certificate
                .trustContext()
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), stub.port());
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName("authentik-server.authentik.svc")));
    socket.setSSLParameters(parameters);
    Wire wire = new Wire(socket);
    toClose.add(wire);

    assertThat(wire.get("/tls").status()).isEqualTo(200);
    assertThat(stub.last().serverName()).isEqualTo("authentik-server.authentik.svc");
    assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
  }

  @Test
  void closesAKeepAliveConnectionThatStaysIdleForTheConfiguredTime() throws Exception {
    AuthentikStub stub =
        start(
            AuthentikStub.builder()
                // Long enough that a loaded machine's stall between connect and the first
                // request cannot close the connection before it is used.
                .behaviour(Behaviour.DEFAULT.closeIdleAfter(Duration.ofSeconds(1))));
    Wire wire = connect(stub);

    assertThat(wire.get("/before-idle").status()).isEqualTo(200);

    assertThat(wire.closedByPeer()).isTrue();
    assertThat(stub.idleCloses()).isEqualTo(1);
  }

  @Test
  void answersConnectionCloseOnEveryNthResponseAndClosesThen() throws Exception {
    AuthentikStub stub =
        start(AuthentikStub.builder().behaviour(Behaviour.DEFAULT.connectionCloseEvery(3)));
    Wire wire = connect(stub);

    assertThat(wire.get("/1").header("connection")).isNull();
    assertThat(wire.get("/2").header("connection")).isNull();
    assertThat(wire.get("/3").header("connection")).isEqualTo("close");
    assertThat(wire.closedByPeer()).isTrue();
  }

  @Test
  void closesEveryConnectionWithoutWarningAfterNRequests() throws Exception {
    AuthentikStub stub =
        start(AuthentikStub.builder().behaviour(Behaviour.DEFAULT.closeAfterRequests(2)));
    Wire wire = connect(stub);

    wire.get("/1");
    Wire.Response second = wire.get("/2");

    assertThat(second.header("connection")).isNull();
    assertThat(wire.closedByPeer()).isTrue();
    Wire next = connect(stub);
    assertThat(next.get("/3").status()).isEqualTo(200);
    assertThat(stub.last().connection()).isEqualTo(2);
  }

  @Test
  void resetsTheConnectionInTheMiddleOfTheBody() throws Exception {
    AuthentikStub stub =
        start(AuthentikStub.builder().behaviour(Behaviour.DEFAULT.resetMidBodyEvery(2)));
    Wire wire = connect(stub);
    assertThat(wire.get("/whole").body()).hasSizeGreaterThan(50);

    wire.send("GET /cut HTTP/1.1\r\nHost: a\r\n\r\n");
    String status = wire.line();
    int length = 0;
    String line;
    while (!(line = wire.line()).isEmpty()) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    byte[] body = new byte[length];
    int read = 0;
    Exception end = null;
    try {
      int n;
      while (read < length && (n = wire.in.read(body, read, length - read)) > 0) {
        read += n;
      }
    } catch (SocketException e) {
      end = e;
    }

    assertThat(status).startsWith("HTTP/1.1 200");
    assertThat(read).isLessThan(length);
    assertThat(end).isNotNull().hasMessageContaining("reset");
  }

  @Test
  void tricklesItsHeadAndBodyPieceByPiece() throws Exception {
    AuthentikStub stub =
        start(
            AuthentikStub.builder()
                .behaviour(Behaviour.DEFAULT.trickle(16, Duration.ofMillis(20))));
    Wire wire = connect(stub);

    long started = System.nanoTime();
    Wire.Response response = wire.get("/trickled");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(response.text()).contains("\"path\":\"/trickled\"");
    // A lower bound only: each piece after the first comes at least 20 ms after the one before.
    int pieces = response.body().length / 16 + 5;
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(20L * (pieces - 1)));
  }

  @Test
  void delaysItsAnswersWhenToldAndOnSlowPaths() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    Wire wire = connect(stub);

    long started = System.nanoTime();
    wire.get("/_stub/slow?ms=300");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));

    stub.behave(Behaviour.DEFAULT.delayResponses(Duration.ofMillis(300)));
    started = System.nanoTime();
    wire.get("/delayed");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void holdsGateRequestsUntilTheGateOpens() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    List<Wire> wires = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      wires.add(connect(stub).send("GET /_stub/gate HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    Await.until("three requests at the gate", PATIENCE, () -> stub.atGate() == 3);
    assertThat(stub.responseCount()).isEqualTo(3);
    assertThat(wires.get(0).in.available()).isZero();
    stub.openGate();

    for (Wire wire : wires) {
      assertThat(wire.read().status()).isEqualTo(200);
    }
    assertThat(stub.atGate()).isZero();
    assertThat(wires.get(0).get("/_stub/gate").status()).isEqualTo(200);
  }

  @Test
  void answersStatusesHopHeadersAndConnectionCloseOnRequest() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    Wire wire = connect(stub);

    assertThat(wire.get("/auth/_stub/status/503").status()).isEqualTo(503);
    assertThat(wire.get("/_stub/status/204").body()).isEmpty();
    Wire.Response hop = wire.get("/_stub/hop");
    assertThat(hop.header("x-drop-me")).isNotNull();
    assertThat(hop.header("strict-transport-security")).isEqualTo("max-age=1");
    assertThat(wire.get("/_stub/chunked").text()).contains("\"path\":\"/_stub/chunked\"");
    assertThat(wire.get("/_stub/close").header("connection")).isEqualTo("close");
    assertThat(wire.closedByPeer()).isTrue();
  }

  @Test
  void writesABigBodyOnlyAsFastAsTheClientReads() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    Wire wire = connect(stub);
    long total = 256L << 20;

    wire.send("GET /_stub/big?bytes=" + total + " HTTP/1.1\r\nHost: a\r\n\r\n");
    long heldBack =
        Await.untilStable(
            "the big body held back by the socket buffers",
            Duration.ofMillis(500),
            PATIENCE,
            stub::bigWritten);

    assertThat(heldBack).isLessThan(total);
    byte[] buffer = new byte[1 << 20];
    long read = 0;
    wire.line();
    while (!wire.line().isEmpty()) {
      // the head
    }
    while (read < total) {
      read += wire.in.read(buffer);
    }
    // The stub counts a piece once its write returned, which can be after the client read it.
    Await.until("every byte counted", PATIENCE, () -> stub.bigWritten() == total);
  }

  @Test
  void webSocketsEchoEveryFrameAndAnswerPings() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    Wire wire = connect(stub);

    wire.send(upgrade("/ws/outpost/"));
    assertThat(wire.line()).startsWith("HTTP/1.1 101");
    while (!wire.line().isEmpty()) {
      // the upgrade response's headers
    }
    sendFrame(wire, 0x81, "hello".getBytes(StandardCharsets.UTF_8));
    sendFrame(wire, 0x89, "ping".getBytes(StandardCharsets.UTF_8));
    byte[] big = new byte[70_000];
    sendFrame(wire, 0x82, big);

    assertThat(readFrame(wire)).isEqualTo("81:hello");
    assertThat(readFrame(wire)).isEqualTo("8a:ping");
    assertThat(readFrame(wire)).isEqualTo("82:" + new String(big, StandardCharsets.ISO_8859_1));
    assertThat(stub.webSocketFrames()).containsExactly(5, 4, 70_000);
    assertThat(stub.last().header("upgrade")).isEqualTo("websocket");
  }

  @Test
  void aFloodedWebSocketIsHeldBackByAClientThatDoesNotRead() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    Wire wire = connect(stub);
    wire.socket.setReceiveBufferSize(64 * 1024);

    wire.send(upgrade("/ws/flood/"));
    long heldBack = floodHeldBack(stub);

    assertThat(heldBack).isLessThan(64L << 20);
    byte[] buffer = new byte[1 << 20];
    long read = 0;
    while (read < heldBack + (1 << 20)) {
      read += wire.in.read(buffer);
    }
    assertThat(stub.floodBytes()).isGreaterThan(heldBack);
  }

  @Test
  void smallSocketBuffersHoldAFloodBackSooner() throws Exception {
    long[] held = new long[2];
    int[] buffers = {0, 16 * 1024};
    for (int i = 0; i < 2; i++) {
      try (AuthentikStub stub = AuthentikStub.builder().socketBuffers(buffers[i]).start();
          Socket socket = new Socket()) {
        socket.setReceiveBufferSize(16 * 1024);
        socket.connect(stub.address());
        Wire wire = new Wire(socket);
        wire.send(upgrade("/ws/flood/"));
        held[i] = floodHeldBack(stub);
      }
    }
    // The kernel's default send buffer alone takes more than one 64 KiB frame before blocking.
    assertThat(held[1]).isLessThan(held[0]).isLessThanOrEqualTo(2 * 64 * 1024);
  }

  /** What the flood wrote once it stopped moving, blocked on a full socket. */
  private static long floodHeldBack(AuthentikStub stub) {
    return Await.untilStable(
        "the flood held back",
        Duration.ofMillis(500),
        PATIENCE,
        stub::floodBytes,
        bytes -> stub.floodBlocked());
  }

  @Test
  void aSinkWebSocketReadsNothingUntilDrained() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    Wire wire = connect(stub);
    wire.send(upgrade("/ws/sink/"));
    assertThat(wire.line()).startsWith("HTTP/1.1 101");
    while (!wire.line().isEmpty()) {
      // the upgrade response's headers
    }
    sendFrame(wire, 0x82, new byte[1000]);

    Await.until("the sink registered", PATIENCE, () -> stub.webSockets() == 1);
    assertThat(stub.sinkRead()).isZero();
    stub.drainSinks();
    Await.until("the sink read the frame", PATIENCE, () -> stub.sinkRead() == 1000 + 2 + 2 + 4);
  }

  @Test
  void rawModeCountsAndKeepsEveryByteWithoutParsing() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder().rawSocket(false));
    Wire wire = connect(stub);
    String malformed = "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\0\r\n\r\nxyz";

    wire.send(malformed);

    Await.until("every byte counted", PATIENCE, () -> stub.bytesReceived() == malformed.length());
    assertThat(new String(stub.rawCaptures().get(0), StandardCharsets.ISO_8859_1))
        .isEqualTo(malformed);
    assertThat(stub.requestCount()).isZero();
  }

  @Test
  void rawModeCanAnswerEachHeadWithACanned200() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder().rawSocket(true));
    Wire wire = connect(stub);

    Wire.Response first = wire.get("/1");
    Wire.Response second = wire.get("/2");

    assertThat(first.text()).isEqualTo("ok");
    assertThat(second.status()).isEqualTo(200);
  }

  @Test
  void stopDropsConnectionsAndRestartListensOnTheSamePort() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    Wire wire = connect(stub);
    wire.get("/before");

    stub.stop();

    assertThat(wire.closedByPeer()).isTrue();
    assertThat(refused(stub.port())).as("a connection to the stopped stub is refused").isTrue();
    stub.restart();
    assertThat(connect(stub).get("/after").status()).isEqualTo(200);
  }

  @Test
  void sustainsTensOfThousandsOfKeepAliveRequests() throws Exception {
    AuthentikStub stub = start(AuthentikStub.builder());
    int connections = 4;
    int perConnection = 5_000;
    ExecutorService clients = Executors.newFixedThreadPool(connections);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        results.add(
            clients.submit(
                () -> {
                  int ok = 0;
                  try (Wire wire = Wire.connect(stub.address())) {
                    for (int i = 0; i < perConnection; i++) {
                      if (wire.get("/load/" + i).status() == 200) {
                        ok++;
                      }
                    }
                  }
                  return ok;
                }));
      }
      int ok = 0;
      for (Future<Integer> result : results) {
        ok += result.get();
      }
      assertThat(ok).isEqualTo(connections * perConnection);
      assertThat(stub.requestCount()).isEqualTo(connections * perConnection);
      assertThat(stub.connectionsOpened()).isEqualTo(connections);
      assertThat(stub.received()).hasSize(AuthentikStub.RECORD_LIMIT);
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * Whether nothing listens on {@code port}. A connect from an ephemeral port to a free ephemeral
   * port can meet itself (TCP simultaneous open); that is not a listener.
   */
  private static boolean refused(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      if (socket.getLocalPort() == port) {
        return true;
      }
      System.out.printf(
          "connected from port %d to the stopped stub's port %d%n", socket.getLocalPort(), port);
      return false;
    } catch (ConnectException e) {
      return true;
    }
  }

  private static String upgrade(String path) {
    String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(16));
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
        + key
        + "\r\n\r\n";
  }

  private static void sendFrame(Wire wire, int first, byte[] payload) throws IOException {
    byte[] mask = new SecureRandom().generateSeed(4);
    var out = wire.out;
    out.write(first);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      out.write(0x80 | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (((long) payload.length >>> shift) & 0xff));
      }
    }
    out.write(mask);
    byte[] masked = payload.clone();
    for (int i = 0; i < masked.length; i++) {
      masked[i] ^= mask[i & 3];
    }
    out.write(masked);
    out.flush();
  }

  /** "first-byte-hex:payload" of the next frame. */
  private static String readFrame(Wire wire) throws IOException {
    var in = new java.io.DataInputStream(wire.in);
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    long length = second & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = in.readNBytes((int) length);
    return Integer.toHexString(first) + ":" + new String(payload, StandardCharsets.ISO_8859_1);
  }
}
