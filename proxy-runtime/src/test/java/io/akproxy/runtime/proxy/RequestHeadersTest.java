package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class RequestHeadersTest {

  private static final Peer CLIENT = new Peer("198.51.100.7", false);
  private static final Peer TRUSTED_PROXY = new Peer("10.0.0.2", true);

  private static MultiMap copy(MultiMap incoming, Peer peer) {
    MultiMap outgoing = MultiMap.caseInsensitiveMultiMap();
    RequestHeaders.copy(incoming, outgoing, peer, "https", "sso.example.com");
    return outgoing;
  }

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  @Test
  void anUntrustedPeerCannotClaimAnAddressSchemeOrHost() {
    MultiMap out =
        copy(
            headers(
                "X-Forwarded-For", "1.2.3.4",
                "x-forwarded-proto", "http",
                "X-Forwarded-Host", "evil.example",
                "X-Forwarded-Port", "80",
                "X-Forwarded-Prefix", "/x",
                "Forwarded", "for=1.2.3.4;proto=http",
                "X-Real-IP", "1.2.3.4",
                "Accept", "text/html"),
            CLIENT);
    assertThat(out.getAll("x-forwarded-for")).containsExactly("198.51.100.7");
    assertThat(out.getAll("x-forwarded-proto")).containsExactly("https");
    assertThat(out.getAll("x-forwarded-host")).containsExactly("sso.example.com");
    assertThat(out.names())
        .doesNotContain("X-Forwarded-Port", "X-Forwarded-Prefix", "Forwarded", "X-Real-IP");
    assertThat(out.get("accept")).isEqualTo("text/html");
  }

  @Test
  void underscoreVariantsNeverPass() {
    MultiMap out =
        copy(
            headers(
                "X_Forwarded_For", "1.2.3.4",
                "x_real_ip", "1.2.3.4",
                "X-Authentik_Remote-IP", "1.2.3.4"),
            TRUSTED_PROXY);
    assertThat(out.names())
        .containsExactlyInAnyOrder("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host");
    assertThat(out.get("x-forwarded-for")).isEqualTo("10.0.0.2");
  }

  @Test
  void aTrustedPeerKeepsItsChainAndItsSchemeAndThePeerIsAppended() {
    MultiMap out =
        copy(
            headers(
                "X-Forwarded-For", "203.0.113.9, 10.1.1.1",
                "X-Forwarded-For", "10.1.1.2",
                "X-Forwarded-Proto", "http",
                "X-Forwarded-Host", "sso.example.com:8443",
                "Forwarded", "for=203.0.113.9",
                "X-Real-IP", "203.0.113.9"),
            TRUSTED_PROXY);
    assertThat(out.getAll("x-forwarded-for"))
        .containsExactly("203.0.113.9, 10.1.1.1, 10.1.1.2, 10.0.0.2");
    assertThat(out.get("x-forwarded-proto")).isEqualTo("http");
    assertThat(out.get("x-forwarded-host")).isEqualTo("sso.example.com:8443");
    assertThat(out.get("forwarded")).isEqualTo("for=203.0.113.9");
    assertThat(out.get("x-real-ip")).isEqualTo("203.0.113.9");
  }

  @Test
  void theSchemeIsOnlyEverHttpsOrHttp() {
    assertThat(copy(headers("X-Forwarded-Proto", "wss"), TRUSTED_PROXY).get("x-forwarded-proto"))
        .isEqualTo("https");
    assertThat(copy(headers("X-Forwarded-Proto", "WS"), TRUSTED_PROXY).get("x-forwarded-proto"))
        .isEqualTo("http");
    assertThat(copy(headers("X-Forwarded-Proto", "gopher"), TRUSTED_PROXY).get("x-forwarded-proto"))
        .isEqualTo("https");
  }

  @Test
  void aConnectionHeaderCannotRemoveForwardingHeadersButRemovesWhatElseItNames() {
    MultiMap out =
        copy(
            headers(
                "Connection", "keep-alive, X-Forwarded-For, X-Forwarded-Proto, X-Custom",
                "X-Custom", "hop",
                "X-Other", "end-to-end"),
            CLIENT);
    assertThat(out.get("x-forwarded-for")).isEqualTo("198.51.100.7");
    assertThat(out.get("x-forwarded-proto")).isEqualTo("https");
    assertThat(out.names()).doesNotContain("X-Custom", "Connection");
    assertThat(out.get("x-other")).isEqualTo("end-to-end");
  }

  @Test
  void hopByHopHostAndExpectAreNotCopied() {
    MultiMap out =
        copy(
            headers(
                "Host", "sso.example.com",
                "Keep-Alive", "timeout=5",
                "TE", "trailers",
                "Trailer", "x",
                "Transfer-Encoding", "chunked",
                "Upgrade", "h2c",
                "Proxy-Authorization", "Basic abc",
                "Proxy-Connection", "keep-alive",
                "Expect", "100-continue",
                ":authority", "sso.example.com"),
            CLIENT);
    assertThat(out.names())
        .containsExactlyInAnyOrder("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host");
  }

  @Test
  void splitCookiesAreJoinedForHttp11() {
    MultiMap out = copy(headers("cookie", "a=1", "cookie", "b=2", "Cookie", "c=3"), CLIENT);
    assertThat(out.getAll("cookie")).containsExactly("a=1; b=2; c=3");
  }
}
