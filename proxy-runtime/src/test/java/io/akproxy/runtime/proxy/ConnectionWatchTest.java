package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the retry rule knows of a connection: kept alive or opened for the request, answer begun.
 */
class ConnectionWatchTest {

  @Test
  void aConnectionOpenedForTheRequestIsNotKeptAliveUntilItHasCarriedOne() {
    long requested = System.nanoTime();
    ConnectionWatch watch = new ConnectionWatch();

    assertThat(watch.sending(requested).keptAlive()).isFalse();
    assertThat(watch.sending(System.nanoTime()).keptAlive()).isTrue();
  }

  /** The pool opened it for another waiter, which got a recycled one: it sat idle, unused. */
  @Test
  void aConnectionThatWaitedInThePoolUnusedIsKeptAlive() {
    ConnectionWatch watch = new ConnectionWatch();
    long requested = System.nanoTime();

    assertThat(watch.sending(requested).keptAlive()).isTrue();
  }

  @Test
  void anyByteAfterTheRequestWentOutMeansTheAnswerBegan() {
    ConnectionWatch watch = new ConnectionWatch();
    EmbeddedChannel channel = new EmbeddedChannel(watch);
    channel.writeInbound(
        Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\n", StandardCharsets.US_ASCII));
    channel.readInbound();

    ConnectionWatch.Attempt attempt = watch.sending(System.nanoTime());
    assertThat(attempt.answerBegun()).as("the previous answer's bytes do not count").isFalse();

    channel.writeInbound(Unpooled.copiedBuffer("H", StandardCharsets.US_ASCII));
    assertThat(attempt.answerBegun()).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void aConnectionThatCouldNotBeWatchedIsNeverRetried() {
    assertThat(ConnectionWatch.Attempt.UNWATCHED.keptAlive()).isFalse();
    assertThat(ConnectionWatch.Attempt.UNWATCHED.answerBegun()).isTrue();
  }
}
