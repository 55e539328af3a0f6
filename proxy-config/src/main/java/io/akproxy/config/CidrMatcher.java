package io.akproxy.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Decides whether a peer is a trusted proxy. Immutable and safe to share across threads. */
public final class CidrMatcher {

  private static final CidrMatcher NONE = new CidrMatcher(List.of());

  private final List<Cidr> networks;

  private CidrMatcher(List<Cidr> networks) {
    this.networks = List.copyOf(networks);
  }

  public static CidrMatcher none() {
    return NONE;
  }

  /**
   * A matcher for validated CIDR texts.
   *
   * @throws IllegalArgumentException for a text that is not a CIDR (validate first)
   */
  public static CidrMatcher of(List<String> cidrs) {
    List<Cidr> networks = new ArrayList<>(cidrs.size());
    for (String text : cidrs) {
      networks.add(
          Cidr.parse(text)
              .orElseThrow(() -> new IllegalArgumentException(text + " is not a valid CIDR")));
    }
    return networks.isEmpty() ? NONE : new CidrMatcher(networks);
  }

  public boolean matches(InetAddress address) {
    if (networks.isEmpty()) {
      return false;
    }
    return matchesBytes(IpAddresses.normalize(address));
  }

  /** Whether an address literal matches; a text that is no IP address never matches. */
  public boolean matches(String addressLiteral) {
    if (networks.isEmpty()) {
      return false;
    }
    Optional<byte[]> address = IpAddresses.parse(addressLiteral);
    return address.isPresent() && matchesBytes(address.get());
  }

  public boolean isEmpty() {
    return networks.isEmpty();
  }

  public List<Cidr> networks() {
    return networks;
  }

  private boolean matchesBytes(byte[] address) {
    for (Cidr network : networks) {
      if (network.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
