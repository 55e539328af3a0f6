package io.akproxy.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/** IP address literals, parsed without ever touching DNS. */
public final class IpAddresses {

  private static final byte[] IPV4_MAPPED_PREFIX = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff
  };

  private IpAddresses() {}

  /**
   * The address bytes of an IPv4 (dotted quad, no leading zeros) or IPv6 literal; IPv4-mapped IPv6
   * addresses come back as their 4 IPv4 bytes, so {@code ::ffff:10.0.0.1} and {@code 10.0.0.1} are
   * one address.
   */
  public static Optional<byte[]> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    if (text.indexOf(':') < 0) {
      return parseIpv4(text);
    }
    return parseIpv6(text).map(IpAddresses::unmap);
  }

  /** The bytes of an address, IPv4-mapped IPv6 reduced to IPv4. */
  public static byte[] normalize(InetAddress address) {
    return unmap(address.getAddress());
  }

  static byte[] unmap(byte[] address) {
    if (address.length == 16
        && Arrays.equals(address, 0, IPV4_MAPPED_PREFIX.length, IPV4_MAPPED_PREFIX, 0, 12)) {
      return Arrays.copyOfRange(address, 12, 16);
    }
    return address;
  }

  private static Optional<byte[]> parseIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return Optional.empty();
      }
      int value = 0;
      for (int j = 0; j < part.length(); j++) {
        char c = part.charAt(j);
        if (c < '0' || c > '9') {
          return Optional.empty();
        }
        value = value * 10 + (c - '0');
      }
      if (value > 255) {
        return Optional.empty();
      }
      bytes[i] = (byte) value;
    }
    return Optional.of(bytes);
  }

  private static Optional<byte[]> parseIpv6(String text) {
    // Only hex digits, colons and dots (an embedded IPv4 tail): no zone ids, no brackets, and
    // nothing InetAddress could mistake for a host name to resolve.
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.') {
        return Optional.empty();
      }
    }
    try {
      // A literal containing ':' is parsed by InetAddress itself; it never resolves.
      return Optional.of(InetAddress.getByName(text).getAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
