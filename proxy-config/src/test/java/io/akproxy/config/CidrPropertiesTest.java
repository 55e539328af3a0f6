package io.akproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The matcher against a bit-by-bit reference: an address matches iff its first p bits agree. */
class CidrPropertiesTest {

  @Property
  void ipv4MatchesExactlyWhenThePrefixBitsAgree(
      @ForAll("ipv4") byte[] network,
      @ForAll("ipv4") byte[] address,
      @ForAll @IntRange(max = 32) int prefix)
      throws Exception {
    String cidr = InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    CidrMatcher matcher = CidrMatcher.of(List.of(cidr));

    assertThat(matcher.matches(InetAddress.getByAddress(address)))
        .isEqualTo(samePrefix(network, address, prefix));
  }

  @Property
  void ipv6MatchesExactlyWhenThePrefixBitsAgree(
      @ForAll("ipv6") byte[] network,
      @ForAll("ipv6") byte[] address,
      @ForAll @IntRange(max = 128) int prefix)
      throws Exception {
    String cidr = InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    CidrMatcher matcher = CidrMatcher.of(List.of(cidr));

    assertThat(matcher.matches(InetAddress.getByAddress(address)))
        .isEqualTo(samePrefix(network, address, prefix));
  }

  @Property
  void aNetworkContainsItsOwnAddressAndNotTheOneWithABitFlippedInsideThePrefix(
      @ForAll("ipv4") byte[] address,
      @ForAll @IntRange(min = 1, max = 32) int prefix,
      @ForAll @IntRange(max = 31) int bit)
      throws Exception {
    Cidr cidr =
        Cidr.parse(InetAddress.getByAddress(address).getHostAddress() + "/" + prefix).orElseThrow();
    byte[] flipped = address.clone();
    int flippedBit = bit % prefix;
    flipped[flippedBit / 8] ^= (byte) (0x80 >>> (flippedBit % 8));

    assertThat(cidr.contains(address)).isTrue();
    assertThat(cidr.contains(flipped)).isFalse();
  }

  @Property
  void anIpv4AddressAndItsMappedIpv6FormMatchAlike(
      @ForAll("ipv4") byte[] network,
      @ForAll("ipv4") byte[] address,
      @ForAll @IntRange(max = 32) int prefix)
      throws Exception {
    CidrMatcher matcher =
        CidrMatcher.of(List.of(InetAddress.getByAddress(network).getHostAddress() + "/" + prefix));
    String mapped = "::ffff:" + InetAddress.getByAddress(address).getHostAddress();

    assertThat(matcher.matches(mapped))
        .isEqualTo(matcher.matches(InetAddress.getByAddress(address)));
  }

  @Provide
  Arbitrary<byte[]> ipv4() {
    return Arbitraries.bytes().array(byte[].class).ofSize(4);
  }

  @Provide
  Arbitrary<byte[]> ipv6() {
    // Not IPv4-mapped: those are IPv4 addresses, covered above.
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofSize(16)
        .filter(b -> IpAddresses.unmap(b).length == 16);
  }

  private static boolean samePrefix(byte[] a, byte[] b, int prefix) {
    for (int i = 0; i < prefix; i++) {
      int mask = 0x80 >>> (i % 8);
      if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}
