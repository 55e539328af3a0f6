package io.akproxy.testkit.authentik;

import io.akproxy.testkit.pki.Issued;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * authentik's stand-in: an HTTP/1.1 server (plain or HTTPS) in plain JDK, one thread per
 * connection, keep-alive, that answers every request {@code 200} with a JSON echo of what it
 * received (method, target, version, headers, body size) and records it. Knobs ({@link Behaviour})
 * make it behave as upstreams do at their worst: idle keep-alive connections closed, {@code
 * Connection: close} every Nth response, connections closed after N requests, resets in the middle
 * of a body, trickled heads and bodies, slow answers.
 *
 * <p>Paths with a special answer, anywhere after a prefix (so they work behind a sub-path):
 *
 * <ul>
 *   <li>{@code .../ws/...} with {@code Upgrade: websocket}: a WebSocket echo (every frame sent back
 *       as received, pings answered); {@code /ws/flood/} writes 64 KiB binary frames as fast as the
 *       socket takes them ({@link #floodBytes}); {@code /ws/sink/} never reads until {@link
 *       #drainSinks}; {@code /ws/big/?bytes=N} sends one binary frame of N bytes, then echoes
 *   <li>{@code .../_stub/status/N}: answers status N
 *   <li>{@code .../_stub/slow?ms=N}: answers after N ms
 *   <li>{@code .../_stub/gate}: answers once the test {@linkplain #openGate opens the gate}; {@link
 *       #atGate} counts the requests waiting there, so a test knows when N requests are in flight
 *       at once without relying on how long a slow answer takes
 *   <li>{@code .../_stub/body}: answers with the request body
 *   <li>{@code .../_stub/big?bytes=N}: N bytes of body, written only as fast as the client reads
 *       ({@link #bigWritten})
 *   <li>{@code .../_stub/chunked}: the echo, chunked
 *   <li>{@code .../_stub/hop}: hop-by-hop response headers and an HSTS header of its own
 *   <li>{@code .../_stub/close}: the echo with {@code Connection: close}, then closes
 *   <li>{@code .../_stub/reset}: the head and half the echo, then a TCP reset
 * </ul>
 *
 * <p>In {@linkplain Builder#rawSocket raw-socket mode} it parses nothing: it counts and keeps the
 * bytes each connection delivers, so "nothing reached authentik" cannot be the stub's own parser
 * refusing a malformed request.
 *
 * <p>The last {@value #RECORD_LIMIT} requests are kept ({@link #received}); counters cover all.
 */
public final class AuthentikStub implements AutoCloseable {

  /** Requests kept for inspection; older ones are dropped (counters still count them). */
  public static final int RECORD_LIMIT = 10_000;

  private final SSLContext tls;
  private final boolean raw;
  private final boolean rawAnswers;
  private final InetAddress bindAddress;
  private final int socketBuffer;
  private final Object gate = new Object();
  private boolean gateOpen;
  private int atGate;
  private volatile Behaviour behaviour;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "authentik-stub");
            thread.setDaemon(true);
            return thread;
          });
  private final Deque<Received> received = new ConcurrentLinkedDeque<>();
  private final AtomicInteger kept = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<WebSocketSession> sinks = new CopyOnWriteArrayList<>();
  private final List<java.io.ByteArrayOutputStream> rawCaptures = new CopyOnWriteArrayList<>();
  final AtomicInteger connectionsOpened = new AtomicInteger();
  final AtomicInteger webSockets = new AtomicInteger();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong responses = new AtomicLong();
  final AtomicLong bytesReceived = new AtomicLong();
  final AtomicLong idleCloses = new AtomicLong();
  final AtomicLong bigWritten = new AtomicLong();
  final AtomicLong floodBytes = new AtomicLong();
  final AtomicLong sinkRead = new AtomicLong();
  final List<Integer> frames = new CopyOnWriteArrayList<>();
  volatile boolean floodBlocked;
  private volatile ServerSocket server;
  private volatile java.util.concurrent.Future<?> acceptor;
  private volatile int port;
  private volatile boolean closed;

  private AuthentikStub(Builder builder) {
    this.tls = builder.tls;
    this.raw = builder.raw;
    this.rawAnswers = builder.rawAnswers;
    this.behaviour = builder.behaviour;
    this.bindAddress = builder.bindAddress;
    this.socketBuffer = builder.socketBuffer;
    listen(builder.port);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Plain HTTP on loopback, a free port, well-behaved. */
  public static AuthentikStub plain() {
    return builder().start();
  }

  /** HTTPS presenting {@code certificate} on loopback, a free port, well-behaved. */
  public static AuthentikStub https(Issued certificate) {
    return builder().tls(certificate).start();
  }

  /** How to start a stub. */
  public static final class Builder {
    private SSLContext tls;
    private boolean raw;
    private boolean rawAnswers;
    private Behaviour behaviour = Behaviour.DEFAULT;
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int port;
    private int socketBuffer;

    private Builder() {}

    /** HTTPS presenting {@code certificate} and its chain (TLS 1.3 and 1.2, ALPN http/1.1). */
    public Builder tls(Issued certificate) {
      return tls(certificate.serverContext());
    }

    public Builder tls(SSLContext context) {
      this.tls = context;
      return this;
    }

    /**
     * Parse nothing: count and keep the bytes each connection sends ({@link #bytesReceived}, {@link
     * #rawCaptures}). With {@code answerEachHead} it answers a canned {@code 200} each time it sees
     * an empty line (CRLF CRLF), without reading anything else into it.
     */
    public Builder rawSocket(boolean answerEachHead) {
      this.raw = true;
      this.rawAnswers = answerEachHead;
      return this;
    }

    public Builder behaviour(Behaviour behaviour) {
      this.behaviour = behaviour;
      return this;
    }

    /** The address to listen on; loopback by default. */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = address;
      return this;
    }

    /**
     * Asks the kernel for {@code bytes} of receive buffer and of send buffer on every connection
     * (it may round up), instead of its defaults and autotuning: what a writer manages to push
     * before it blocks is then mostly what the peer holds, not the kernel's buffers.
     */
    public Builder socketBuffers(int bytes) {
      this.socketBuffer = bytes;
      return this;
    }

    /** A fixed port (0, the default, picks a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public AuthentikStub start() {
      return new AuthentikStub(this);
    }
  }

  private void listen(int requestedPort) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      if (socketBuffer > 0) {
        // Before bind: accepted connections inherit it, and the window is agreed at the handshake.
        socket.setReceiveBufferSize(socketBuffer);
      }
      socket.bind(new InetSocketAddress(bindAddress, requestedPort), 1024);
      server = socket;
      port = socket.getLocalPort();
      acceptor = threads.submit(() -> acceptLoop(socket));
    } catch (IOException e) {
      throw new UncheckedIOException("the authentik stub cannot listen on " + requestedPort, e);
    }
  }

  private void acceptLoop(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket accepted = socket.accept();
        accepted.setTcpNoDelay(true);
        if (socketBuffer > 0) {
          accepted.setSendBufferSize(socketBuffer);
        }
        int id = connectionsOpened.incrementAndGet();
        open.add(accepted);
        threads.execute(() -> serve(accepted, id));
      } catch (IOException e) {
        // The listener was closed (stop() or close()); a failed accept is not worth a log line.
      }
    }
  }

  private void serve(Socket socket, int id) {
    try {
      if (raw) {
        new RawConnection(this, socket, tls, rawAnswers).run();
      } else {
        new HttpConnection(this, socket, tls, id).run();
      }
    } catch (IOException | RuntimeException e) {
      // The peer went away or sent something unusable: nothing more to answer on it.
    } finally {
      open.remove(socket);
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  void record(Received request) {
    // Kept before it is counted: a caller that waits for the count then reads the request.
    received.addLast(request);
    requests.incrementAndGet();
    // ConcurrentLinkedDeque.size() walks the whole deque: count separately.
    if (kept.incrementAndGet() > RECORD_LIMIT && received.pollFirst() != null) {
      kept.decrementAndGet();
    }
  }

  void addRawCapture(java.io.ByteArrayOutputStream capture) {
    rawCaptures.add(capture);
  }

  void addSink(WebSocketSession session) {
    sinks.add(session);
  }

  Behaviour currentBehaviour() {
    return behaviour;
  }

  /** Blocks the calling connection until the gate is open. */
  void passGate() {
    synchronized (gate) {
      atGate++;
      try {
        while (!gateOpen && !closed) {
          gate.wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        atGate--;
      }
    }
  }

  /** Lets every {@code /_stub/gate} request through, those waiting and those to come. */
  public void openGate() {
    synchronized (gate) {
      gateOpen = true;
      gate.notifyAll();
    }
  }

  /** Holds {@code /_stub/gate} requests again (the gate starts closed). */
  public void closeGate() {
    synchronized (gate) {
      gateOpen = false;
    }
  }

  /** {@code /_stub/gate} requests waiting now. */
  public int atGate() {
    synchronized (gate) {
      return atGate;
    }
  }

  /** Changes the knobs for what happens from now on (connections already open included). */
  public void behave(Behaviour behaviour) {
    this.behaviour = behaviour;
  }

  public Behaviour behaviour() {
    return behaviour;
  }

  public int port() {
    return port;
  }

  /** {@code http(s)://<address>:<port>}, for {@code upstream.url}. */
  public String url() {
    String host = bindAddress.getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (tls != null ? "https" : "http") + "://" + host + ":" + port;
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(bindAddress, port);
  }

  /** The requests kept, oldest first. */
  public List<Received> received() {
    return new ArrayList<>(received);
  }

  /** The last request, or null. */
  public Received last() {
    return received.peekLast();
  }

  /** The last request whose target is {@code target}; an AssertionError if none reached it. */
  public Received request(String target) {
    List<Received> all = received();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).target().equals(target)) {
        return all.get(i);
      }
    }
    throw new AssertionError(target + " did not reach the authentik stub: " + all);
  }

  /** Requests whose head was read completely, since the start or the last {@link #clear}. */
  public long requestCount() {
    return requests.get();
  }

  /** Responses whose writing began. */
  public long responseCount() {
    return responses.get();
  }

  /** Bytes that arrived (after TLS), parsed or not. */
  public long bytesReceived() {
    return bytesReceived.get();
  }

  /**
   * In raw-socket mode: the bytes each connection delivered, in accept order (up to 1 MiB each).
   */
  public List<byte[]> rawCaptures() {
    List<byte[]> copies = new ArrayList<>();
    for (java.io.ByteArrayOutputStream capture : rawCaptures) {
      synchronized (capture) {
        copies.add(capture.toByteArray());
      }
    }
    return copies;
  }

  public int connectionsOpened() {
    return connectionsOpened.get();
  }

  public int openConnections() {
    return open.size();
  }

  /** Keep-alive connections this stub closed for idleness. */
  public long idleCloses() {
    return idleCloses.get();
  }

  public int webSockets() {
    return webSockets.get();
  }

  /** Sizes of the WebSocket frames the echo received, in order. */
  public List<Integer> webSocketFrames() {
    return List.copyOf(frames);
  }

  public long bigWritten() {
    return bigWritten.get();
  }

  public long floodBytes() {
    return floodBytes.get();
  }

  /** A flood write is waiting for the peer's socket to take it. */
  public boolean floodBlocked() {
    return floodBlocked;
  }

  /** Lets the {@code /ws/sink/} WebSockets read again; {@link #sinkRead} counts what they read. */
  public void drainSinks() {
    sinks.forEach(WebSocketSession::drainAsSink);
  }

  public long sinkRead() {
    return sinkRead.get();
  }

  /** Forgets the recorded requests and zeroes the counters. */
  public void clear() {
    received.clear();
    kept.set(0);
    rawCaptures.clear();
    frames.clear();
    requests.set(0);
    responses.set(0);
    bytesReceived.set(0);
    idleCloses.set(0);
    connectionsOpened.set(0);
  }

  /** Stops listening and drops every connection, as a crashed authentik would. */
  public void stop() {
    try {
      server.close();
      // The JDK closes a listener for good only once its blocked accept() returned: until then
      // the kernel may still queue new connections on it.
      acceptor.get(10, TimeUnit.SECONDS);
    } catch (IOException
        | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      // closing anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** Listens again on the same port after {@link #stop}. */
  public void restart() {
    listen(port);
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    openGate();
    stop();
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes {@code socket} with a TCP reset (SO_LINGER 0), without a TLS close_notify. */
  static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (SocketException e) {
      // already gone
    } catch (IOException e) {
      // already gone
    }
  }
}
