package io.akproxy.runtime.proxy;

/**
 * The client as the proxy sees it: the TCP peer, or the PROXY-protocol source when the TCP peer is
 * a trusted proxy.
 *
 * @param address an IP address literal, IPv4-mapped IPv6 reduced to IPv4
 * @param trusted whether the peer is a trusted proxy, whose forwarded headers are believed
 */
public record Peer(String address, boolean trusted) {}
