package io.akproxy.config;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code fd00::/8}. Host bits are masked
 * away, as Go's {@code net.ParseCIDR} (and so authentik) does. An IPv4-mapped IPv6 network with a
 * prefix of 96 or more is the IPv4 network it maps.
 */
public final class Cidr {

  private final byte[] network;
  private final int prefixLength;

  private Cidr(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /** The network, or empty when {@code text} is not {@code address/prefix}. */
  public static Optional<Cidr> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    if (slash < 0 || slash != text.lastIndexOf('/')) {
      return Optional.empty();
    }
    String prefixText = text.substring(slash + 1);
    if (prefixText.isEmpty()
        || prefixText.length() > 3
        || !prefixText.chars().allMatch(Character::isDigit)
        || (prefixText.length() > 1 && prefixText.charAt(0) == '0')) {
      return Optional.empty();
    }
    int prefix = Integer.parseInt(prefixText);
    String addressText = text.substring(0, slash);
    boolean writtenAsIpv6 = addressText.indexOf(':') >= 0;
    Optional<byte[]> parsed = IpAddresses.parse(addressText);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    byte[] address = parsed.get();
    if (writtenAsIpv6) {
      if (prefix > 128) {
        return Optional.empty();
      }
      if (address.length == 4) {
        // ::ffff:a.b.c.d/p: the IPv4 network a.b.c.d/(p-96); shorter prefixes cover more than
        // the mapped range and stay IPv6.
        if (prefix >= 96) {
          return Optional.of(masked(address, prefix - 96));
        }
        byte[] full = new byte[16];
        full[10] = (byte) 0xff;
        full[11] = (byte) 0xff;
        System.arraycopy(address, 0, full, 12, 4);
        return Optional.of(masked(full, prefix));
      }
      return Optional.of(masked(address, prefix));
    }
    if (prefix > 32) {
      return Optional.empty();
    }
    return Optional.of(masked(address, prefix));
  }

  /** Whether {@code address} (IPv4, IPv6, or IPv4-mapped IPv6) lies in this network. */
  public boolean contains(InetAddress address) {
    return contains(IpAddresses.normalize(address));
  }

  /** Whether the address bytes (already normalised by {@link IpAddresses}) lie in this network. */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int fullBytes = prefixLength / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int remainingBits = prefixLength % 8;
    if (remainingBits == 0) {
      return true;
    }
    int mask = (0xff << (8 - remainingBits)) & 0xff;
    return (address[fullBytes] & mask) == (network[fullBytes] & 0xff);
  }

  public int prefixLength() {
    return prefixLength;
  }

  public boolean isIpv4() {
    return network.length == 4;
  }

  private static Cidr masked(byte[] address, int prefix) {
    byte[] network = address.clone();
    for (int bit = prefix; bit < network.length * 8; bit++) {
      network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return new Cidr(network, prefix);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cidr that
        && prefixLength == that.prefixLength
        && Arrays.equals(network, that.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefixLength;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
