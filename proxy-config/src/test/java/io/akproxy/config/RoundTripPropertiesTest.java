package io.akproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** parse(render(c)) == c and render is a fixed point, for arbitrary valid configurations. */
class RoundTripPropertiesTest {

  @Property(tries = 300)
  void parseOfRenderIsIdentity(@ForAll("validConfigs") ProxyConfig config) {
    assertThat(ConfigValidator.validate(config)).isEmpty();

    ProxyConfig parsed = ConfigParser.parse(config.render());

    assertThat(parsed).isEqualTo(config);
    assertThat(parsed.render()).isEqualTo(config.render());
    assertThat(parsed.hash()).isEqualTo(config.hash());
  }

  @Provide
  Arbitrary<ProxyConfig> validConfigs() {
    Arbitrary<String> label =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyz0123456789")
            .ofMinLength(1)
            .ofMaxLength(12);
    Arbitrary<String> host = label.list().ofMinSize(2).ofMaxSize(4).map(l -> String.join(".", l));
    Arbitrary<List<String>> serverNames = host.list().ofMinSize(1).ofMaxSize(4).uniqueElements();
    Arbitrary<String> cidr =
        Arbitraries.oneOf(
            Combinators.combine(
                    Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 32))
                .as((octet, prefix) -> octet + ".0.0.0/" + prefix),
            Arbitraries.integers().between(0, 128).map(prefix -> "fd00::/" + prefix));
    Arbitrary<Forwarding> forwarding =
        Combinators.combine(cidr.list().ofMaxSize(4), Arbitraries.of(true, false))
            .as((cidrs, proxyProtocol) -> new Forwarding(cidrs, proxyProtocol && !cidrs.isEmpty()));
    Arbitrary<Tls> tls =
        Combinators.combine(
                Arbitraries.of(Tls.TLS_1_2, Tls.TLS_1_3),
                Arbitraries.of(true, false),
                Arbitraries.longs().between(0, 100_000_000L),
                Arbitraries.of(true, false))
            .as(
                (version, http2, maxAge, subDomains) ->
                    new Tls(
                        Tls.DEFAULT_CERT_FILE,
                        Tls.DEFAULT_KEY_FILE,
                        version,
                        http2,
                        new Tls.Hsts(maxAge, subDomains, subDomains && maxAge >= 31_536_000L)));
    Arbitrary<Upstream> upstream =
        Combinators.combine(
                Arbitraries.of("http", "https"),
                host.map(h -> h + ".svc"),
                Arbitraries.integers().between(1, 65535),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 1000),
                Arbitraries.integers().between(1, 119),
                Arbitraries.integers().between(1, 600))
            .as(
                (scheme, h, port, verify, idle, idleTimeout, timeout) ->
                    new Upstream(
                        scheme + "://" + h + ":" + port,
                        new Upstream.UpstreamTls(
                            verify,
                            verify ? "/etc/akproxy/upstream-ca/ca.crt" : null,
                            verify ? h : null),
                        new Upstream.KeepAlive(idle, idleTimeout),
                        timeout,
                        timeout));
    Arbitrary<String> pathPrefix =
        label.list().ofMaxSize(3).map(l -> l.isEmpty() ? "/" : "/" + String.join("/", l) + "/");
    Arbitrary<Listeners> listeners =
        Combinators.combine(
                Arbitraries.integers().between(1, 20000),
                Arbitraries.integers().between(20001, 40000),
                Arbitraries.integers().between(40001, 65535),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 65535))
            .as(
                (https, http, admin, redirect, redirectPort) ->
                    new Listeners(
                        "0.0.0.0",
                        new Listeners.Https(https),
                        new Listeners.Http(http, redirect, redirectPort),
                        new Listeners.Admin(admin)));
    Arbitrary<Shutdown> shutdown =
        Combinators.combine(
                Arbitraries.integers().between(0, 120), Arbitraries.integers().between(0, 600))
            .as(Shutdown::new);

    return Builders.withBuilder(() -> ProxyConfig.defaults(List.of("placeholder.example.com")))
        .use(serverNames)
        .in((c, v) -> c.withServerNames(v))
        .use(listeners)
        .in((c, v) -> c.withListeners(v))
        .use(tls)
        .in((c, v) -> c.withTls(v))
        .use(upstream)
        .in((c, v) -> c.withUpstream(v))
        .use(pathPrefix)
        .in((c, v) -> c.withPathPrefix(v))
        .use(forwarding)
        .in((c, v) -> c.withForwarding(v))
        .use(Arbitraries.integers().between(11, 86400))
        .in((c, v) -> c.withWebsocket(new WebSocketSettings(v, 65536, 1 << 20)))
        .use(shutdown)
        .in((c, v) -> c.withShutdown(v))
        .build();
  }
}
