package io.akproxy.runtime.vertx;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TcpConfig;
import io.vertx.core.transport.Transport;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * Vert.x's native transport with one change: listeners accept connections on an event loop (with
 * one event loop, the one that serves them), not on a thread of their own.
 *
 * <p>Vert.x accepts every connection on its {@code vert.x-acceptor-thread} and hands it to an event
 * loop: a task queued, the loop woken through its eventfd, and on a pod's one core a context switch
 * both ways, for every connection. Profiled on the bench's new-connection row (one TLS handshake
 * per request), the acceptor thread took 8% of the proxy's CPU before counting the wake-ups. Netty
 * lets a server's parent be one of its child group's event loops (nginx's workers accept on their
 * own loop too): that loop accepts up to 16 connections per wake-up and registers each on its event
 * loop (with one event loop, itself; with more, the others get theirs handed over as before).
 * Vert.x asks its transport for the acceptor group after the event loops ({@link
 * io.vertx.core.spi.transport.Transport#ACCEPTOR_EVENT_LOOP_GROUP}), so this transport answers that
 * request with one of the event loops it made just before; were the order ever reversed, it makes a
 * separate acceptor as Vert.x would (and {@code AcceptOnEventLoopsTest} fails, since the acceptor
 * thread is back).
 *
 * <p>Only the native transport is wrapped: on NIO (epoll unavailable) the runtime runs Vert.x as it
 * comes, and Vert.x's own report of the transport ({@code isNativeTransportEnabled}, which asks
 * whether the transport is NIO's) stays true.
 */
public final class AcceptOnEventLoops implements Transport {

  private final Transport transport;
  private final Spi spi;

  private AcceptOnEventLoops(Transport transport) {
    this.transport = transport;
    this.spi = new Spi(transport.implementation());
  }

  /** The platform's native transport, wrapped; empty when it is not available here. */
  public static Optional<Transport> ofNativeTransport() {
    Transport candidate = Transport.nativeTransport();
    return candidate != null && candidate.available()
        ? Optional.of(new AcceptOnEventLoops(candidate))
        : Optional.empty();
  }

  @Override
  public String name() {
    return transport.name();
  }

  @Override
  public boolean available() {
    return transport.available();
  }

  @Override
  public Throwable unavailabilityCause() {
    return transport.unavailabilityCause();
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return spi;
  }

  /**
   * The transport itself: every method passes to Vert.x's, except that the acceptor group is one of
   * the event loops. It overrides every method of the SPI, defaults included, since a default it
   * did not override would silently replace the native transport's own (a test holds it to that).
   */
  static final class Spi implements io.vertx.core.spi.transport.Transport {

    private final io.vertx.core.spi.transport.Transport delegate;
    private EventLoopGroup eventLoops;

    Spi(io.vertx.core.spi.transport.Transport delegate) {
      this.delegate = delegate;
    }

    @Override
    public synchronized EventLoopGroup eventLoopGroup(
        int type, int threads, ThreadFactory threadFactory, int ioRatio) {
      if (type == ACCEPTOR_EVENT_LOOP_GROUP && eventLoops != null) {
        // One event loop, not the group: Vert.x picks its acceptor with next() on every listen,
        // and on the group that would advance the round-robin that places each listener instance
        // on an event loop of its own (two instances could then share a loop and leave another
        // idle). An event loop is a group of itself, so next() on it leaves that order alone.
        return eventLoops.next();
      }
      EventLoopGroup group = delegate.eventLoopGroup(type, threads, threadFactory, ioRatio);
      if (type == IO_EVENT_LOOP_GROUP) {
        eventLoops = group;
      }
      return group;
    }

    @Override
    public boolean supportsDomainSockets() {
      return delegate.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return delegate.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
      return delegate.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return delegate.unavailabilityCause();
    }

    @Override
    public java.net.SocketAddress convert(SocketAddress address) {
      return delegate.convert(address);
    }

    @Override
    public SocketAddress convert(java.net.SocketAddress address) {
      return delegate.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return delegate.ioHandlerFactory();
    }

    @Override
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return delegate.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
      return delegate.datagramChannelFactory();
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return delegate.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      return delegate.serverChannelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      delegate.configure(channel, options);
    }

    @Override
    public void configure(TcpConfig config, boolean domainSocket, Bootstrap bootstrap) {
      delegate.configure(config, domainSocket, bootstrap);
    }

    @Override
    public void configure(TcpConfig config, boolean domainSocket, ServerBootstrap bootstrap) {
      delegate.configure(config, domainSocket, bootstrap);
    }
  }
}
