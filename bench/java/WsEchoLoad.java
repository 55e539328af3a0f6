import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket echo load through a proxy: {@code connections} WebSockets to {@code /ws/client/}, each
 * sending a text message, waiting for its echo and sending the next one (ping-pong, so every
 * counted message made the full round trip client → proxy → upstream → proxy → client).
 *
 * <p>Warms up for {@code warmupSeconds}, prints {@code MEASURING}, then counts echoes for {@code
 * seconds} and prints one line: {@code ws_messages=N seconds=S ws_messages_per_sec=R errors=E
 * connections=C}, where errors
 * counts failed connects, WebSockets closed or broken at any time during the run, and stalled ones
 * (open, but no echo came back during the measured window).
 *
 * <p>Usage: {@code WsEchoLoad <port> <hostHeader> <connections> <warmupSeconds> <seconds>
 * [messageBytes]}
 */
public class WsEchoLoad {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String host = args[1];
    int connections = Integer.parseInt(args[2]);
    int warmupSeconds = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    int messageBytes = args.length > 5 ? Integer.parseInt(args[5]) : 128;
    String message = "m".repeat(messageBytes);

    // The host name resolves to loopback here, as an /etc/hosts line would, so the handshake
    // carries the real SNI and Host header.
    AddressResolverOptions resolver =
        new AddressResolverOptions().setHostsValue(Buffer.buffer("127.0.0.1 " + host + "\n"));
    Vertx vertx =
        Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setAddressResolverOptions(resolver));
    WebSocketClientOptions options =
        new WebSocketClientOptions()
            .setSsl(true)
            .setTrustAll(true)
            .setVerifyHost(false)
            .setMaxConnections(connections);
    if (OpenSSLEngineOptions.isAvailable()) {
      options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    WebSocketClient client = vertx.createWebSocketClient(options);

    AtomicLong echoes = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    // Connections that had an echo during the measured window: an open WebSocket through which
    // nothing comes back is a failure too, not a quiet zero.
    Set<Integer> echoed = ConcurrentHashMap.newKeySet();
    AtomicBoolean measuring = new AtomicBoolean();
    CountDownLatch connected = new CountDownLatch(connections);
    for (int i = 0; i < connections; i++) {
      int id = i;
      WebSocketConnectOptions connect =
          new WebSocketConnectOptions()
              .setHost(host)
              .setPort(port)
              .setSsl(true)
              .setURI("/ws/client/");
      client
          .connect(connect)
          .onComplete(
              result -> {
                connected.countDown();
                if (result.failed()) {
                  errors.incrementAndGet();
                  System.err.println("connect failed: " + result.cause());
                  return;
                }
                WebSocket ws = result.result();
                ws.exceptionHandler(failure -> errors.incrementAndGet());
                ws.closeHandler(v -> errors.incrementAndGet());
                ws.textMessageHandler(
                    echo -> {
                      echoes.incrementAndGet();
                      if (measuring.get()) {
                        echoed.add(id);
                      }
                      ws.writeTextMessage(message);
                    });
                ws.writeTextMessage(message);
              });
    }
    if (!connected.await(30, TimeUnit.SECONDS)) {
      System.err.println("timed out connecting " + connections + " WebSockets");
      System.exit(2);
    }

    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
    measuring.set(true);
    // The bench samples the proxy's CPU when the measured window starts.
    System.out.println("MEASURING");
    System.out.flush();
    long startCount = echoes.get();
    long start = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    long count = echoes.get() - startCount;
    double elapsed = (System.nanoTime() - start) / 1e9;
    int stalled = connections - echoed.size();
    System.out.printf(
        "ws_messages=%d seconds=%.2f ws_messages_per_sec=%.0f errors=%d stalled=%d"
            + " connections=%d%n",
        count, elapsed, count / elapsed, errors.get() + stalled, stalled, connections);
    System.exit(0);
  }
}
