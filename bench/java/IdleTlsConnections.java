import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens {@code count} TLS connections to a proxy, makes one keep-alive GET on each (so every
 * connection is a real, established HTTP/1.1 client that the proxy must keep state for), then holds
 * them all open and idle until killed. Prints {@code READY opened=N answered=M failed=F} once every
 * connection has either been answered or failed, then {@code STILL_OPEN=K} every second, so the
 * caller can sample the proxy's memory while they sit there.
 *
 * <p>At most {@code parallel} handshakes are in flight at once, so the listen backlog of neither
 * proxy is what limits the count.
 *
 * <p>Usage: {@code IdleTlsConnections <port> <hostHeader> <count> [parallel]}
 */
public class IdleTlsConnections {

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    String host = args[1];
    int count = Integer.parseInt(args[2]);
    int parallel = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    Buffer request =
        Buffer.buffer("GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: bench-idle\r\n\r\n");

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    NetClientOptions options =
        new NetClientOptions()
            .setSsl(true)
            .setTrustAll(true)
            .setHostnameVerificationAlgorithm("")
            .setConnectTimeout(10_000);
    if (OpenSSLEngineOptions.isAvailable()) {
      options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    NetClient client = vertx.createNetClient(options);

    AtomicInteger next = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger open = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(parallel, count); lane++) {
      Promise<Void> done = Promise.promise();
      lanes.add(done.future());
      vertx.runOnContext(
          v -> openNext(client, port, request, count, next, answered, failed, open, done));
    }
    Future.all(lanes)
        .onComplete(
            v -> {
              System.out.printf(
                  "READY opened=%d answered=%d failed=%d%n", count, answered.get(), failed.get());
              vertx.setPeriodic(1000, id -> System.out.println("STILL_OPEN=" + open.get()));
            });
  }

  /** One lane: opens a connection, waits for its first response bytes, then opens the next. */
  private static void openNext(
      NetClient client,
      int port,
      Buffer request,
      int count,
      AtomicInteger next,
      AtomicInteger answered,
      AtomicInteger failed,
      AtomicInteger open,
      Promise<Void> done) {
    if (next.getAndIncrement() >= count) {
      done.tryComplete();
      return;
    }
    Runnable continueLane =
        () -> openNext(client, port, request, count, next, answered, failed, open, done);
    client
        .connect(port, "127.0.0.1")
        .onComplete(
            result -> {
              if (result.failed()) {
                failed.incrementAndGet();
                continueLane.run();
                return;
              }
              NetSocket socket = result.result();
              open.incrementAndGet();
              boolean[] first = {true};
              socket.closeHandler(
                  v -> {
                    open.decrementAndGet();
                    if (first[0]) { // closed before answering: count it and keep the lane going
                      first[0] = false;
                      failed.incrementAndGet();
                      continueLane.run();
                    }
                  });
              socket.exceptionHandler(failure -> {});
              socket.handler(
                  data -> {
                    // Only the first bytes matter: the proxy answered, the connection is live.
                    if (first[0]) {
                      first[0] = false;
                      answered.incrementAndGet();
                      continueLane.run();
                    }
                  });
              socket.write(request);
            });
  }
}
