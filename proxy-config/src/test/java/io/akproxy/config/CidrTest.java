package io.akproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.0/33", "10.0.0.0", "10.0.0/8", "10.0.0.256/8", "010.0.0.0/8", "10.0.0.0/08",
        "10.0.0.0/-1", "10.0.0.0/", "/8", "fd00::/129", "fd00:::1/64", "fe80::1%eth0/64",
        "example.com/8", "10.0.0.0/8/8", " 10.0.0.0/8", "[::1]/128", "0x0a.0.0.0/8", ""
      })
  void rejectsWhatIsNotACidr(String text) {
    assertThat(Cidr.parse(text)).isEmpty();
  }

  @Test
  void matchesIpv4Networks() throws Exception {
    CidrMatcher matcher = CidrMatcher.of(List.of("10.0.0.0/8", "192.168.1.0/24"));

    assertThat(matcher.matches(InetAddress.getByName("10.255.3.4"))).isTrue();
    assertThat(matcher.matches(InetAddress.getByName("192.168.1.77"))).isTrue();
    assertThat(matcher.matches(InetAddress.getByName("192.168.2.1"))).isFalse();
    assertThat(matcher.matches(InetAddress.getByName("11.0.0.1"))).isFalse();
  }

  @Test
  void matchesIpv6Networks() throws Exception {
    CidrMatcher matcher = CidrMatcher.of(List.of("fd00::/8", "2001:db8:1::/48"));

    assertThat(matcher.matches(InetAddress.getByName("fd12:3456::1"))).isTrue();
    assertThat(matcher.matches(InetAddress.getByName("2001:db8:1:ffff::1"))).isTrue();
    assertThat(matcher.matches(InetAddress.getByName("2001:db8:2::1"))).isFalse();
    assertThat(matcher.matches(InetAddress.getByName("10.0.0.1"))).isFalse();
  }

  @Test
  void ipv4MappedIpv6AddressesMatchIpv4Networks() throws Exception {
    CidrMatcher matcher = CidrMatcher.of(List.of("10.0.0.0/8"));
    // Built from bytes: InetAddress.getByName would already unmap the text form.
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};

    assertThat(matcher.matches(InetAddress.getByAddress(mapped))).isTrue();
    // InetAddress.getByAddress turns those bytes into an Inet4Address; Inet6Address keeps them.
    assertThat(matcher.matches(Inet6Address.getByAddress(null, mapped, -1))).isTrue();
    assertThat(matcher.matches("::ffff:10.1.2.3")).isTrue();
    assertThat(matcher.matches("::ffff:11.1.2.3")).isFalse();
  }

  @Test
  void ipv4MappedNetworksMatchPlainIpv4Addresses() throws Exception {
    CidrMatcher matcher = CidrMatcher.of(List.of("::ffff:10.0.0.0/104"));

    assertThat(matcher.matches(InetAddress.getByName("10.9.9.9"))).isTrue();
    assertThat(matcher.matches(InetAddress.getByName("11.9.9.9"))).isFalse();
    assertThat(Cidr.parse("::ffff:10.0.0.0/104")).contains(Cidr.parse("10.0.0.0/8").orElseThrow());
  }

  @Test
  void aMappedIpv4NetworkAtPrefix96IsTheWholeIpv4Space() throws Exception {
    Cidr all = Cidr.parse("::ffff:0.0.0.0/96").orElseThrow();

    assertThat(all.isIpv4()).isTrue();
    assertThat(all.prefixLength()).isZero();
    assertThat(all.contains(InetAddress.getByName("203.0.113.7"))).isTrue();
    assertThat(all.contains(InetAddress.getByName("::1"))).isFalse();
  }

  @Test
  void aMappedNetworkShorterThan96StaysIpv6() throws Exception {
    Cidr wide = Cidr.parse("::ffff:10.0.0.0/80").orElseThrow();

    assertThat(wide.isIpv4()).isFalse();
    assertThat(wide.prefixLength()).isEqualTo(80);
    assertThat(wide).hasToString("0:0:0:0:0:0:0:0/80");
    assertThat(wide.contains(InetAddress.getByName("::1"))).isTrue();
    assertThat(wide.contains(InetAddress.getByName("2001:db8::1"))).isFalse();
    // An IPv4 client is compared as IPv4, so a network written in IPv6 does not cover it.
    assertThat(wide.contains(InetAddress.getByName("10.0.0.1"))).isFalse();
  }

  @Test
  void networksAreEqualWhenTheirMaskedBitsAndPrefixAre() {
    Cidr ten = Cidr.parse("10.0.0.0/8").orElseThrow();

    assertThat(Cidr.parse("10.1.2.3/8")).contains(ten);
    assertThat(Cidr.parse("10.1.2.3/8").orElseThrow()).hasSameHashCodeAs(ten);
    assertThat(ten).isNotEqualTo(Cidr.parse("10.0.0.0/16").orElseThrow());
    assertThat(ten).isNotEqualTo(Cidr.parse("11.0.0.0/8").orElseThrow());
    assertThat(ten).isNotEqualTo("10.0.0.0/8");
  }

  @Test
  void aMatcherKeepsItsNetworksAndRefusesAnUnvalidatedText() {
    assertThat(CidrMatcher.of(List.of()).isEmpty()).isTrue();
    CidrMatcher matcher = CidrMatcher.of(List.of("10.0.0.0/8", "fd00::/8"));
    assertThat(matcher.isEmpty()).isFalse();
    assertThat(matcher.networks())
        .containsExactly(
            Cidr.parse("10.0.0.0/8").orElseThrow(), Cidr.parse("fd00::/8").orElseThrow());
    assertThat(new Forwarding(List.of("10.0.0.0/8"), false).trustedProxies().matches("10.2.3.4"))
        .isTrue();
    assertThatThrownBy(() -> CidrMatcher.of(List.of("10.0.0.0/8", "nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nope is not a valid CIDR");
  }

  @Test
  void hostBitsAreMaskedAsGoDoes() {
    assertThat(Cidr.parse("10.1.2.3/8")).contains(Cidr.parse("10.0.0.0/8").orElseThrow());
    assertThat(Cidr.parse("10.1.2.3/8").orElseThrow()).hasToString("10.0.0.0/8");
  }

  @Test
  void zeroPrefixMatchesEverythingOfItsFamily() throws Exception {
    assertThat(CidrMatcher.of(List.of("0.0.0.0/0")).matches(InetAddress.getByName("8.8.8.8")))
        .isTrue();
    assertThat(CidrMatcher.of(List.of("0.0.0.0/0")).matches(InetAddress.getByName("::1")))
        .isFalse();
    assertThat(CidrMatcher.of(List.of("::/0")).matches(InetAddress.getByName("::1"))).isTrue();
  }

  @Test
  void anEmptyMatcherTrustsNobody() throws Exception {
    assertThat(CidrMatcher.of(List.of()).matches(InetAddress.getByName("127.0.0.1"))).isFalse();
    assertThat(CidrMatcher.none().matches("10.0.0.1")).isFalse();
  }

  @Test
  void textThatIsNoAddressNeverMatches() {
    CidrMatcher matcher = CidrMatcher.of(List.of("0.0.0.0/0", "::/0"));

    assertThat(matcher.matches("localhost")).isFalse();
    assertThat(matcher.matches("10.0.0.1, 10.0.0.2")).isFalse();
    assertThat(matcher.matches("unknown")).isFalse();
  }
}
