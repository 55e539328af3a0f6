import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

/**
 * The WebSocket half of the benchmark's upstream: a real echo (every text or binary message comes
 * back unchanged, with backpressure) on plain HTTP, one event loop. The upstream stub (nginx,
 * cheaper per request than anything on the JVM) terminates TLS and passes {@code /ws/} here, so
 * both proxies see one upstream URL, as they would see authentik.
 *
 * <p>Usage: {@code WsEchoServer <port>}
 */
public class WsEchoServer {

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    vertx
        .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(WsEchoServer::handle)
        .listen()
        .onSuccess(
            server ->
                System.out.println(
                    "WebSocket echo listening on http://127.0.0.1:" + server.actualPort()))
        .onFailure(
            failure -> {
              failure.printStackTrace();
              System.exit(1);
            });
  }

  private static void handle(HttpServerRequest request) {
    if (request.canUpgradeToWebSocket()) {
      request.toWebSocket().onSuccess(WsEchoServer::echo);
    } else {
      request.response().setStatusCode(200).end("WebSocket echo: send an Upgrade\n");
    }
  }

  /** Echoes every message as it came; stops reading while the peer is not taking the echoes. */
  private static void echo(ServerWebSocket ws) {
    ws.textMessageHandler(
        text -> {
          ws.writeTextMessage(text);
          pauseWhileFull(ws);
        });
    ws.binaryMessageHandler(
        data -> {
          ws.writeBinaryMessage(data);
          pauseWhileFull(ws);
        });
  }

  private static void pauseWhileFull(ServerWebSocket ws) {
    if (ws.writeQueueFull()) {
      ws.pause();
      ws.drainHandler(v -> ws.resume());
    }
  }
}
