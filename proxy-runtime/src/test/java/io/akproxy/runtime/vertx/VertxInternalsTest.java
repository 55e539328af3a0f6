package io.akproxy.runtime.vertx;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The start-up check that keeps a Vert.x upgrade from silently removing the HTTP/1.1 gate. */
class VertxInternalsTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @Test
  void theVertxOnTheClasspathHasEveryInternalTheRuntimeUses() throws Exception {
    VertxInternals.check(vertx).await(10, TimeUnit.SECONDS);
  }

  @Test
  void aCodecHandlerUnderAnotherNameFailsTheCheckNamingIt() {
    assertThatThrownBy(
            () ->
                VertxInternals.check(vertx, "httpRequestDecoder", VertxInternals.HTTP1_ENCODER)
                    .await(10, TimeUnit.SECONDS))
        .hasMessageContaining("Vert.x internals changed: no \"httpRequestDecoder\"")
        .hasMessageContaining("the HTTP/1.1 gate cannot be installed");
    assertThatThrownBy(
            () ->
                VertxInternals.check(vertx, VertxInternals.HTTP1_DECODER, "httpResponseEncoder")
                    .await(10, TimeUnit.SECONDS))
        .hasMessageContaining("no \"httpResponseEncoder\"");
  }

  @Test
  void somethingThatIsNoVertxConnectionFailsLoudly() {
    assertThatThrownBy(() -> VertxInternals.pipeline(new Object()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Vert.x internals changed: java.lang.Object is not a ConnectionBase, so its Netty"
                + " pipeline cannot be reached");
  }
}
