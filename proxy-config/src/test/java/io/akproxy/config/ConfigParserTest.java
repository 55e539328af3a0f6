package io.akproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigParserTest {

  private static List<ConfigError> errorsOf(String json) {
    try {
      ConfigParser.parse(json);
    } catch (ConfigException e) {
      return e.errors();
    }
    throw new AssertionError("expected " + json + " to be rejected");
  }

  @Test
  void minimalDocumentGetsTheSeedDefaults() {
    ProxyConfig config = ConfigParser.parse("{\"serverNames\": [\"sso.example.com\"]}");

    assertThat(config).isEqualTo(ProxyConfig.defaults(List.of("sso.example.com")));
    assertThat(config.tls().minVersion()).isEqualTo("TLSv1.3");
    assertThat(config.tls().http2()).isTrue();
    assertThat(config.tls().hsts().headerValue()).isEqualTo("max-age=63072000");
    assertThat(config.listeners().http().redirectToHttps()).isTrue();
    assertThat(config.upstream().keepAlive().maxIdleConnections()).isEqualTo(10);
    assertThat(config.upstream().url()).isEqualTo(Upstream.DEFAULT_URL);
    assertThat(config.upstream().port()).isEqualTo(9443);
    assertThat(config.upstream().tls().verify()).isFalse();
    assertThat(config.forwarding().trustedProxyCidrs()).isEmpty();
    assertThat(config.websocket().idleTimeoutSeconds()).isEqualTo(3600);
    assertThat(config.websocket().maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(config.websocket().maxMessageBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(config.listeners().http().redirectPort()).isEqualTo(443);
    assertThat(config.shutdown().delaySeconds()).isEqualTo(10);
    assertThat(config.shutdown().gracePeriodSeconds()).isEqualTo(25);
  }

  @Test
  void readsTheRedirectPortAndTheShutdownDelay() {
    ProxyConfig config =
        ConfigParser.parse(
            """
            {"serverNames": ["sso.example.com"],
             "listeners": {"http": {"redirectPort": 30443}},
             "shutdown": {"delaySeconds": 0, "gracePeriodSeconds": 5}}
            """);

    assertThat(config.listeners().http())
        .isEqualTo(new Listeners.Http(Listeners.Http.DEFAULT_PORT, true, 30443));
    assertThat(config.shutdown()).isEqualTo(new Shutdown(0, 5));
  }

  @Test
  void badRedirectPortsAndDelaysNameTheirField() {
    assertThat(
            errorsOf(
                """
                {"serverNames": ["sso.example.com"],
                 "listeners": {"http": {"redirectPort": "https"}},
                 "shutdown": {"delaySeconds": -3}}
                """))
        .containsExactlyInAnyOrder(
            new ConfigError(
                "listeners.http.redirectPort", "must be an integer, not the string \"https\""),
            new ConfigError("shutdown.delaySeconds", "-3 must be at least 0"));
  }

  @Test
  void aPartlyGivenObjectKeepsTheDefaultsOfWhatItLeavesOut() {
    ProxyConfig config =
        ConfigParser.parse(
            """
            {"serverNames": ["sso.example.com"], "tls": {"hsts": {"maxAgeSeconds": 100}}}
            """);

    assertThat(config.tls().hsts()).isEqualTo(new Tls.Hsts(100, false, false));
    assertThat(
            ConfigParser.parse(
                    """
                    {"serverNames": ["sso.example.com"],
                     "tls": {"hsts": {"includeSubDomains": true}}}
                    """)
                .tls()
                .hsts())
        .isEqualTo(new Tls.Hsts(Tls.Hsts.defaults().maxAgeSeconds(), true, false));
  }

  @Test
  void eachWrongTypeNamesTheFieldAndWhatItGot() {
    assertThat(
            errorsOf(
                """
                {"serverNames": ["sso.example.com", null, 7],
                 "pathPrefix": 5,
                 "listeners": {"bindAddress": {}, "https": {"port": true}},
                 "tls": {"hsts": {"maxAgeSeconds": "1y", "preload": "no"}},
                 "upstream": {"tls": {"caFile": 7, "serverName": ["a"]}},
                 "forwarding": {"trustedProxyCidrs": "10.0.0.0/8"},
                 "websocket": []}
                """))
        .containsExactlyInAnyOrder(
            new ConfigError("serverNames[1]", "must be a string, not null"),
            new ConfigError("serverNames[2]", "must be a string, not the number 7"),
            new ConfigError("pathPrefix", "must be a string, not the number 5"),
            new ConfigError("listeners.bindAddress", "must be a string, not an object"),
            new ConfigError("listeners.https.port", "must be an integer, not true"),
            new ConfigError("tls.hsts.maxAgeSeconds", "must be an integer, not the string \"1y\""),
            new ConfigError("tls.hsts.preload", "must be true or false, not the string \"no\""),
            new ConfigError("upstream.tls.caFile", "must be a string or null, not the number 7"),
            new ConfigError("upstream.tls.serverName", "must be a string or null, not an array"),
            new ConfigError(
                "forwarding.trustedProxyCidrs",
                "must be an array of strings, not the string \"10.0.0.0/8\""),
            new ConfigError("websocket", "must be an object, not an array"));
  }

  @Test
  void designDocumentExampleParses() {
    String json =
        """
        {
          "version": 1,
          "serverNames": ["sso.example.com"],
          "listeners": {
            "https": { "port": 8443 },
            "http":  { "port": 8080, "redirectToHttps": true },
            "admin": { "port": 9000 }
          },
          "tls": {
            "certFile": "/etc/akproxy/tls/tls.crt",
            "keyFile": "/etc/akproxy/tls/tls.key",
            "minVersion": "TLSv1.3",
            "http2": true,
            "hsts": { "maxAgeSeconds": 63072000, "includeSubDomains": false, "preload": false }
          },
          "upstream": {
            "url": "https://authentik-server.authentik.svc.cluster.local:9443",
            "tls": { "verify": false, "caFile": null, "serverName": null },
            "keepAlive": { "maxIdleConnections": 10, "idleTimeoutSeconds": 60 },
            "connectTimeoutSeconds": 5,
            "responseTimeoutSeconds": 60
          },
          "pathPrefix": "/",
          "forwarding": { "trustedProxyCidrs": [], "proxyProtocol": false },
          "websocket": { "idleTimeoutSeconds": 3600 },
          "limits": { "maxHeaderBytes": 8192, "headerTimeoutSeconds": 10, "idleTimeoutSeconds": 75 }
        }
        """;

    assertThat(ConfigParser.parse(json))
        .isEqualTo(ProxyConfig.defaults(List.of("sso.example.com")));
  }

  @Test
  void unknownFieldsAreRejectedWithTheirPath() {
    assertThat(
            errorsOf(
                """
                {"serverNames": ["a.example.com"], "tsl": {},
                 "upstream": {"tls": {"verfiy": true}}}
                """))
        .containsExactlyInAnyOrder(
            new ConfigError("tsl", "unknown field"),
            new ConfigError("upstream.tls.verfiy", "unknown field"));
  }

  @Test
  void wrongTypesNameTheExpectedType() {
    assertThat(
            errorsOf(
                """
                {"serverNames": ["a.example.com", 7],
                 "listeners": {"https": {"port": "443"}},
                 "tls": {"http2": "yes", "hsts": []}}
                """))
        .containsExactlyInAnyOrder(
            new ConfigError("serverNames[1]", "must be a string, not the number 7"),
            new ConfigError("listeners.https.port", "must be an integer, not the string \"443\""),
            new ConfigError("tls.http2", "must be true or false, not the string \"yes\""),
            new ConfigError("tls.hsts", "must be an object, not an array"));
  }

  @Test
  void fractionalAndOversizedNumbersAreNotIntegers() {
    assertThat(
            errorsOf(
                """
                {"serverNames": ["a.example.com"],
                 "upstream": {"connectTimeoutSeconds": 1.5, "responseTimeoutSeconds": 99999999999}}
                """))
        .extracting(ConfigError::path)
        .containsExactlyInAnyOrder(
            "upstream.connectTimeoutSeconds", "upstream.responseTimeoutSeconds");
  }

  @Test
  void nullIsOnlyAcceptedWhereAFieldIsOptional() {
    assertThat(errorsOf("{\"serverNames\": [\"a.example.com\"], \"pathPrefix\": null}"))
        .containsExactly(
            new ConfigError("pathPrefix", "must not be null; leave it out for the default"));

    ProxyConfig config =
        ConfigParser.parse(
            "{\"serverNames\": [\"a.example.com\"], \"upstream\": {\"tls\": {\"caFile\": null}}}");
    assertThat(config.upstream().tls().caFile()).isNull();
  }

  @Test
  void syntaxErrorsSayWhere() {
    List<ConfigError> errors = errorsOf("{\"serverNames\": [\"a.example.com\"],,}");

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).path()).isEqualTo(ConfigError.DOCUMENT);
    assertThat(errors.get(0).message()).startsWith("not valid JSON: line 1, column");
  }

  @Test
  void duplicateKeysAreRejected() {
    List<ConfigError> errors =
        errorsOf(
            "{\"serverNames\": [\"a.example.com\"], \"pathPrefix\": \"/\", \"pathPrefix\": \"/x/\"}");

    assertThat(errors)
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("pathPrefix"));
  }

  @Test
  void aDocumentMustBeAnObject() {
    assertThat(errorsOf("[1, 2]"))
        .containsExactly(new ConfigError(ConfigError.DOCUMENT, "must be a JSON object"));
    assertThat(errorsOf("")).singleElement().extracting(ConfigError::path).isEqualTo("");
  }

  @Test
  void typeAndValidationErrorsAreReportedTogether() {
    List<ConfigError> errors =
        errorsOf(
            """
            {"serverNames": [],
             "forwarding": {"trustedProxyCidrs": ["10.0.0.0/8", "192.168.0.0/16", "10.0.0.0/33"]},
             "websocket": {"idleTimeoutSeconds": "long"},
             "tls": {"minVersion": "TLSv1.1"}}
            """);

    assertThat(errors)
        .containsExactlyInAnyOrder(
            new ConfigError(
                "websocket.idleTimeoutSeconds", "must be an integer, not the string \"long\""),
            new ConfigError("serverNames", "at least one server name is required"),
            new ConfigError("tls.minVersion", "\"TLSv1.1\" is not TLSv1.3 or TLSv1.2"),
            new ConfigError(
                "forwarding.trustedProxyCidrs[2]", "\"10.0.0.0/33\" is not a valid CIDR"));
  }

  @Test
  void theExceptionMessageListsEveryError() {
    assertThatThrownBy(() -> ConfigParser.parse("{\"serverNames\": [\"A_B\"], \"x\": 1}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("2 configuration errors")
        .hasMessageContaining("x: unknown field")
        .hasMessageContaining("serverNames[0]: \"A_B\" is not a valid DNS name");
  }
}
