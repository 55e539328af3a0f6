package io.akproxy.runtime.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the {@link Retry} rule needs to know of one pooled connection to authentik: whether it was
 * kept alive (it had carried a request, or waited in the pool, before a request asked for one) or
 * opened for that request, and whether any byte of an answer arrived since a request went out on
 * it. It sits in the connection's Netty pipeline after TLS and before Vert.x's HTTP parser, because
 * a request whose answer had begun (even a few bytes of a status line, which Vert.x drops without a
 * word when the connection then closes) reached authentik, and must never be sent twice.
 */
final class ConnectionWatch extends ChannelInboundHandlerAdapter {

  /** Pipeline name, for the logs of a Netty pipeline dump. */
  static final String NAME = "akproxyConnectionWatch";

  /** Written only on the connection's event loop, read from any thread after a failure. */
  private volatile long bytesReceived;

  private final AtomicBoolean carried = new AtomicBoolean();
  private final long openedNanos = System.nanoTime();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      bytesReceived += bytes.readableBytes();
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * A request goes out on this connection now.
   *
   * @param requestedNanos when the request asked the pool for a connection ({@link
   *     System#nanoTime})
   */
  Attempt sending(long requestedNanos) {
    boolean carriedBefore = carried.getAndSet(true);
    // Opened before the request asked, and not for it: it waited in the pool, where authentik may
    // have closed it for idleness as surely as one that had served a request.
    boolean waited = openedNanos - requestedNanos < 0;
    return new Attempt(this, carriedBefore || waited, bytesReceived);
  }

  /**
   * One request on a connection.
   *
   * @param keptAlive the connection had carried a request or waited in the pool before this one
   *     asked for it (rather than being opened for it)
   */
  record Attempt(ConnectionWatch watch, boolean keptAlive, long bytesBefore) {

    /** A connection that could not be watched: never retried. */
    static final Attempt UNWATCHED = new Attempt(null, false, 0);

    /** Whether any byte arrived on the connection since this request went out. */
    boolean answerBegun() {
      return watch == null || watch.bytesReceived > bytesBefore;
    }
  }
}
