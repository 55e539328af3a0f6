package io.akproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The address and name rules the validator and the runtime's CIDR matching rest on. */
class IpAddressesAndNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"FA09:fa09::1", "a0f9:AF::9", "0:0:0:0:0:0:0:1", "::ffff:10.0.0.1"})
  void everyHexDigitOfEitherCaseIsAnIpv6Literal(String text) throws Exception {
    byte[] expected = IpAddresses.normalize(InetAddress.getByName(text));

    assertThat(IpAddresses.parse(text)).hasValue(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"fe80::1%1", "fe80::g", "fe80::G", "fe80::@", "fe80::`", "fe80::/", "[::1]"})
  void anythingButHexDigitsColonsAndDotsIsNoIpv6Literal(String text) {
    assertThat(IpAddresses.parse(text)).isEmpty();
  }

  @Test
  void anIpv4MappedLiteralIsItsIpv4Address() {
    assertThat(IpAddresses.parse("::ffff:10.0.0.1")).hasValue(new byte[] {10, 0, 0, 1});
  }

  @Test
  void aHostNameMayBe253CharactersLongAndNoLonger() {
    String label63 = "a".repeat(63);
    String name253 = label63 + "." + label63 + "." + label63 + "." + "b".repeat(61);

    assertThat(name253).hasSize(253);
    assertThat(DnsNames.isHostName(name253)).isTrue();
    assertThat(DnsNames.isHostName(name253 + "c")).isFalse();
    assertThat(DnsNames.isHostName("")).isFalse();
  }

  @Test
  void aWildcardCoversOneLabelOfARealDomain() {
    assertThat(DnsNames.isServerName("*.example.com")).isTrue();
    assertThat(DnsNames.isServerName("*.com")).isFalse();
    assertThat(DnsNames.isServerName("*.-bad.example.com")).isFalse();
    assertThat(DnsNames.isServerName("a.*.example.com")).isFalse();
    assertThat(DnsNames.isHostName("*.example.com")).isFalse();
  }

  @Test
  void theUpstreamPortDefaultsToTheSchemes() {
    assertThat(upstream("https://authentik").port()).isEqualTo(443);
    assertThat(upstream("http://authentik").port()).isEqualTo(80);
    assertThat(upstream("http://authentik:9000").port()).isEqualTo(9000);
    assertThat(upstream("https://authentik:1").port()).isEqualTo(1);
    assertThat(upstream("https://authentik").isHttps()).isTrue();
    assertThat(upstream("http://authentik:9443").isHttps()).isFalse();
  }

  private static Upstream upstream(String url) {
    Upstream d = Upstream.defaults();
    return new Upstream(
        url, d.tls(), d.keepAlive(), d.connectTimeoutSeconds(), d.responseTimeoutSeconds());
  }
}
