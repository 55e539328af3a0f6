package io.akproxy.config;

import java.util.List;

/**
 * Who may tell the proxy a client's address.
 *
 * @param trustedProxyCidrs peers whose {@code X-Forwarded-*} chain (and PROXY header) is believed
 * @param proxyProtocol accept PROXY protocol v1/v2 on the HTTPS and HTTP listeners
 */
public record Forwarding(List<String> trustedProxyCidrs, boolean proxyProtocol) {

  public Forwarding {
    trustedProxyCidrs = List.copyOf(trustedProxyCidrs);
  }

  public static Forwarding defaults() {
    return new Forwarding(List.of(), false);
  }

  /** A matcher for the trusted CIDRs; only meaningful once the configuration validated. */
  public CidrMatcher trustedProxies() {
    return CidrMatcher.of(trustedProxyCidrs);
  }
}
