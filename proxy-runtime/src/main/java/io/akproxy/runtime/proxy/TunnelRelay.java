package io.akproxy.runtime.proxy;

import io.akproxy.runtime.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;

/**
 * The two directions of a WebSocket tunnel, relayed in Netty itself: what one connection reads is
 * written to the other as the same buffer, flushed when the read ends, and a connection whose peer
 * cannot take more stops reading until the peer drains (backpressure, as a pipe's pause and
 * resume). A tunnel that reads nothing in either direction for its idle time is closed.
 *
 * <p>A Vert.x {@code pipeTo} would copy every buffer onto the heap (its {@code NetSocket} hands out
 * safe copies), write it back through a future per write, and the TLS layer would then copy it back
 * into native memory: most of a proxied WebSocket message's cost beyond the TLS work itself. Each
 * relay sits just before Vert.x's own handler, after everything that watches the tunnel (the
 * HTTP/1.1 gate's frame limits on the client's side), so those see every byte as before; closing
 * stays Vert.x's (each socket's close handler closes the other).
 *
 * <p>The idle timeout is kept here rather than by a Netty {@code IdleStateHandler} on each
 * connection: every byte either connection writes is one the other relay read, so the relays' reads
 * alone tell when the tunnel last carried anything, with one timer per tunnel. An idle handler
 * would also have to watch writes, which costs a promise and a listener per relayed write (too
 * little to resolve in the bench's WebSocket row, where runs of the same jar differ by more).
 */
final class TunnelRelay extends ChannelInboundHandlerAdapter {

  static final String NAME = "akproxy-relay";

  private ChannelHandlerContext context;
  private TunnelRelay peer;
  // Written by this connection's event loop, read by the timer's (the first relay's) loop: a stale
  // read can only postpone a close by one more check.
  private volatile long lastReadNanos = System.nanoTime();
  private long idleNanos;
  private ScheduledFuture<?> idleCheck;

  private TunnelRelay() {}

  /**
   * Relays between two sockets from now on, and closes them both once neither has read anything for
   * {@code idleMillis}. Anything Vert.x already read from either before the relays were in place is
   * passed on first, in order. The connections' own idle timeouts (a listener's keep-alive timeout,
   * the upstream pool's) are removed: they are far too short for a WebSocket.
   *
   * @param oneConnection the Vert.x connection under {@code one} (for a server socket the socket
   *     itself; for an upgraded client request's socket, the request's connection)
   */
  static void connect(
      NetSocket one,
      Object oneConnection,
      NetSocket other,
      Object otherConnection,
      long idleMillis) {
    TunnelRelay first = new TunnelRelay();
    TunnelRelay second = new TunnelRelay();
    first.peer = second;
    second.peer = first;
    install(VertxInternals.pipeline(oneConnection), first);
    install(VertxInternals.pipeline(otherConnection), second);
    first.closeWhenIdle(TimeUnit.MILLISECONDS.toNanos(idleMillis));
    // Vert.x holds bytes read before this (the socket is paused until a handler asks): hand them
    // over now, before any the relays read; later reads never reach these handlers.
    one.handler(buffer -> second.forward(Unpooled.wrappedBuffer(buffer.getBytes()), true));
    other.handler(buffer -> first.forward(Unpooled.wrappedBuffer(buffer.getBytes()), true));
    one.resume();
    other.resume();
  }

  private static void install(ChannelPipeline pipeline, TunnelRelay relay) {
    VertxInternals.removeIdleTimeout(pipeline);
    pipeline.addBefore(pipeline.lastContext().name(), NAME, relay);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      ctx.fireChannelRead(msg);
      return;
    }
    peer.forward(bytes, false);
    if (!peer.context.channel().isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    lastReadNanos = System.nanoTime();
    peer.context.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      peer.context.channel().config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // A closed tunnel must not stay reachable from the event loop's timer queue until it fires.
    if (idleCheck != null) {
      idleCheck.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  /** Writes toward this relay's connection, from its place in the pipeline. */
  private void forward(ByteBuf bytes, boolean flush) {
    if (flush) {
      context.writeAndFlush(bytes, context.voidPromise());
    } else {
      context.write(bytes, context.voidPromise());
    }
  }

  private void closeWhenIdle(long idleNanos) {
    this.idleNanos = idleNanos;
    scheduleIdleCheck(idleNanos);
  }

  private void scheduleIdleCheck(long delayNanos) {
    idleCheck = context.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Closes this connection (and so the tunnel) if it has been silent long enough, or looks later.
   */
  private void checkIdle() {
    if (!context.channel().isActive()) {
      return;
    }
    long silent = System.nanoTime() - Math.max(lastReadNanos, peer.lastReadNanos);
    if (silent >= idleNanos) {
      context.close();
    } else {
      scheduleIdleCheck(idleNanos - silent);
    }
  }
}
