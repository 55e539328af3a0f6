package io.akproxy.runtime.proxy;

import io.akproxy.config.CidrMatcher;
import io.akproxy.config.IpAddresses;
import io.akproxy.runtime.vertx.VertxInternals;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;

/**
 * Who the client is. The TCP peer, unless the TCP peer is a trusted proxy that sent a PROXY
 * protocol header: then the header's source address. A PROXY header from anyone else is ignored,
 * since believing it would let any client claim any address.
 */
final class PeerResolver {

  private static final String UNKNOWN = "unknown";

  private PeerResolver() {}

  /** The peer of one connection as last resolved, and against which trusted CIDRs. */
  private record Resolved(CidrMatcher trusted, Peer peer) {}

  private static final AttributeKey<Resolved> RESOLVED = AttributeKey.valueOf("akproxy.peer");

  /**
   * The connection's peer. Both addresses are fixed for a connection's life, so the answer is kept
   * on the connection and only worked out again for another set of trusted CIDRs (a reload): every
   * request on a kept-alive connection or an HTTP/2 stream would otherwise format and parse the
   * same address again.
   */
  static Peer resolve(HttpConnection connection, CidrMatcher trusted) {
    Attribute<Resolved> slot = VertxInternals.attribute(connection, RESOLVED);
    Resolved last = slot == null ? null : slot.get();
    if (last != null && last.trusted() == trusted) {
      return last.peer();
    }
    Peer peer = resolveNow(connection, trusted);
    if (slot != null) {
      slot.set(new Resolved(trusted, peer));
    }
    return peer;
  }

  private static Peer resolveNow(HttpConnection connection, CidrMatcher trusted) {
    String tcpPeer = address(connection.remoteAddress(true));
    if (!trusted.matches(tcpPeer)) {
      return new Peer(tcpPeer, false);
    }
    // Without PROXY protocol both addresses are the same; with it, this is the header's source.
    String source = address(connection.remoteAddress(false));
    return new Peer(source, trusted.matches(source));
  }

  private static String address(SocketAddress address) {
    if (address == null) {
      return UNKNOWN;
    }
    String host = address.hostAddress();
    if (host == null) {
      return UNKNOWN;
    }
    int scope = host.indexOf('%');
    String literal = scope < 0 ? host : host.substring(0, scope);
    // Java writes ::1 as 0:0:0:0:0:0:0:1 and a dual-stack listener's IPv4 client as
    // ::ffff:127.0.0.1; forwarded as nginx's $remote_addr is: RFC 5952 text, IPv4 as IPv4.
    return IpAddresses.parse(literal).map(NetUtil::bytesToIpAddress).orElse(literal);
  }
}
