package io.akproxy.runtime.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.akproxy.runtime.Main;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runtime's listeners accept on their event loops, with nothing else of the transport changed.
 */
class AcceptOnEventLoopsTest {

  @Test
  void theRuntimesVertxAcceptsOnItsEventLoopsAndServesAndCloses() throws Exception {
    assumeTrue(Transport.EPOLL.available(), "epoll is not available here");
    Vertx vertx = Main.vertx(2);
    try {
      VertxInternal internal = (VertxInternal) vertx;
      assertThat(vertx.isNativeTransportEnabled()).isTrue();
      // No thread of its own: the acceptor is one of the event loops.
      List<Object> eventLoops = new ArrayList<>();
      internal.nettyEventLoopGroup().forEach(eventLoops::add);
      assertThat(eventLoops).hasSize(2).containsOnlyOnce(internal.acceptorEventLoopGroup());

      // As the runtime deploys a listener: one instance per event loop, sharing one socket.
      Set<String> servedOn = ConcurrentHashMap.newKeySet();
      List<Integer> ports = new CopyOnWriteArrayList<>();
      vertx
          .deployVerticle(
              () ->
                  new VerticleBase() {
                    @Override
                    public Future<?> start() {
                      return vertx
                          .createHttpServer()
                          .requestHandler(
                              request -> {
                                servedOn.add(Thread.currentThread().getName());
                                request.response().end("ok");
                              })
                          .listen(-1, "127.0.0.1")
                          .onSuccess(server -> ports.add(server.actualPort()));
                    }
                  },
              new DeploymentOptions().setInstances(2))
          .await(10, TimeUnit.SECONDS);
      assertThat(ports).hasSize(2).containsOnly(ports.get(0));
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        bodies.add(get(ports.get(0)));
      }
      assertThat(bodies).containsOnly("ok").hasSize(8);
      // Eight new connections, accepted on an event loop and spread over both, as before.
      assertThat(servedOn).hasSize(2).allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
    } finally {
      // The acceptor (one of the loops) is shut down before its group: that must end too.
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  /**
   * The body of a GET on a new connection, read to its end with a plain socket: a client outside
   * the Vert.x under test, as the runtime's clients are.
   */
  private static String get(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String response =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(response).startsWith("HTTP/1.1 200 ");
      return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }

  @Test
  void overridesEveryMethodOfVertxsTransportSoNoDefaultReplacesTheNativeOne() throws Exception {
    for (Method method : io.vertx.core.spi.transport.Transport.class.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      Method declared =
          AcceptOnEventLoops.Spi.class.getDeclaredMethod(
              method.getName(), method.getParameterTypes());
      assertThat(declared.getDeclaringClass()).isEqualTo(AcceptOnEventLoops.Spi.class);
    }
    for (Method method : Transport.class.getMethods()) {
      if (!Modifier.isStatic(method.getModifiers())) {
        AcceptOnEventLoops.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
      }
    }
  }
}
