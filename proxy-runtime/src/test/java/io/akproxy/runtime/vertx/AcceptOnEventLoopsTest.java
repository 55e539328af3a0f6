package io.akproxy.runtime.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.akproxy.runtime.Main;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
      // No thread of its own: the acceptor group is the event loops.
      assertThat(internal.acceptorEventLoopGroup()).isSameAs(internal.nettyEventLoopGroup());

      Set<String> servedOn = new HashSet<>();
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(
                  request -> {
                    synchronized (servedOn) {
                      servedOn.add(Thread.currentThread().getName());
                    }
                    request.response().end("ok");
                  })
              .listen(0, "127.0.0.1")
              .await(10, TimeUnit.SECONDS);
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        bodies.add(
            client
                .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                .compose(request -> request.send())
                .compose(response -> response.body())
                .await(10, TimeUnit.SECONDS)
                .toString());
      }
      assertThat(bodies).containsOnly("ok").hasSize(8);
      // A server instance serves on its context's event loop (the runtime starts one per loop).
      assertThat(servedOn).hasSize(1).allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
      client.close().await(10, TimeUnit.SECONDS);
    } finally {
      // The shared group is shut down twice (as acceptor, then as event loops): that must end.
      vertx.close().await(20, TimeUnit.SECONDS);
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
