package io.akproxy.config;

/**
 * Client-side limits.
 *
 * @param maxHeaderBytes all request headers together; beyond it: 431
 * @param maxRequestLineBytes the request line; beyond it: 414
 * @param headerTimeoutSeconds the whole request head must arrive within this (slowloris)
 * @param idleTimeoutSeconds an idle keep-alive client connection is closed after this
 * @param maxConnections concurrent client connections per listener; beyond it new ones are refused
 * @param http2MaxConcurrentStreams streams one HTTP/2 connection may have open at once
 */
public record Limits(
    int maxHeaderBytes,
    int maxRequestLineBytes,
    int headerTimeoutSeconds,
    int idleTimeoutSeconds,
    int maxConnections,
    int http2MaxConcurrentStreams) {

  public static Limits defaults() {
    return new Limits(8192, 8192, 10, 75, 10_000, 128);
  }
}
