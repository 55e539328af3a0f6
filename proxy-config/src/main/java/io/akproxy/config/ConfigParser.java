package io.akproxy.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and validates {@code proxy.json}. Strict: unknown fields, duplicate keys and wrong types
 * are errors, since a typo must never silently weaken security. Every error of the document is
 * reported at once.
 */
public final class ConfigParser {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private ConfigParser() {}

  /**
   * The configuration in {@code json}, with defaults filled in.
   *
   * @throws ConfigException listing every syntax, type and validation error
   */
  public static ProxyConfig parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ConfigException(List.of(new ConfigError(ConfigError.DOCUMENT, syntaxError(e))));
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(
          List.of(new ConfigError(ConfigError.DOCUMENT, "must be a JSON object")));
    }
    List<ConfigError> errors = new ArrayList<>();
    JsonFields fields = JsonFields.of(root, "", errors);
    ProxyConfig config = read(fields);
    fields.rejectUnknown();
    errors.addAll(ConfigValidator.validate(config));
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return config;
  }

  private static String syntaxError(JsonProcessingException e) {
    var location = e.getLocation();
    String where =
        location == null
            ? ""
            : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    return "not valid JSON: " + where + e.getOriginalMessage();
  }

  private static ProxyConfig read(JsonFields f) {
    ProxyConfig d = ProxyConfig.defaults(List.of());
    return new ProxyConfig(
        f.integer("version", ProxyConfig.CURRENT_VERSION),
        f.strings("serverNames", d.serverNames()),
        f.object("listeners", d.listeners(), ConfigParser::listeners),
        f.object("tls", d.tls(), ConfigParser::tls),
        f.object("upstream", d.upstream(), ConfigParser::upstream),
        f.string("pathPrefix", d.pathPrefix()),
        f.object("forwarding", d.forwarding(), ConfigParser::forwarding),
        f.object("websocket", d.websocket(), ConfigParser::websocket),
        f.object("limits", d.limits(), ConfigParser::limits),
        f.object("reload", d.reload(), ConfigParser::reload),
        f.object("shutdown", d.shutdown(), ConfigParser::shutdown),
        f.object("accessLog", d.accessLog(), ConfigParser::accessLog));
  }

  private static Listeners listeners(JsonFields f) {
    Listeners d = Listeners.defaults();
    return new Listeners(
        f.string("bindAddress", d.bindAddress()),
        f.object("https", d.https(), h -> new Listeners.Https(h.integer("port", d.https().port()))),
        f.object(
            "http",
            d.http(),
            h ->
                new Listeners.Http(
                    h.integer("port", d.http().port()),
                    h.bool("redirectToHttps", d.http().redirectToHttps()),
                    h.integer("redirectPort", d.http().redirectPort()))),
        f.object(
            "admin", d.admin(), a -> new Listeners.Admin(a.integer("port", d.admin().port()))));
  }

  private static Tls tls(JsonFields f) {
    Tls d = Tls.defaults();
    return new Tls(
        f.string("certFile", d.certFile()),
        f.string("keyFile", d.keyFile()),
        f.string("minVersion", d.minVersion()),
        f.bool("http2", d.http2()),
        f.object("hsts", d.hsts(), ConfigParser::hsts));
  }

  private static Tls.Hsts hsts(JsonFields f) {
    Tls.Hsts d = Tls.Hsts.defaults();
    return new Tls.Hsts(
        f.longInteger("maxAgeSeconds", d.maxAgeSeconds()),
        f.bool("includeSubDomains", d.includeSubDomains()),
        f.bool("preload", d.preload()));
  }

  private static Upstream upstream(JsonFields f) {
    Upstream d = Upstream.defaults();
    return new Upstream(
        f.string("url", d.url()),
        f.object(
            "tls",
            d.tls(),
            t ->
                new Upstream.UpstreamTls(
                    t.bool("verify", d.tls().verify()),
                    t.nullableString("caFile"),
                    t.nullableString("serverName"))),
        f.object(
            "keepAlive",
            d.keepAlive(),
            k ->
                new Upstream.KeepAlive(
                    k.integer("maxIdleConnections", d.keepAlive().maxIdleConnections()),
                    k.integer("idleTimeoutSeconds", d.keepAlive().idleTimeoutSeconds()))),
        f.integer("connectTimeoutSeconds", d.connectTimeoutSeconds()),
        f.integer("responseTimeoutSeconds", d.responseTimeoutSeconds()));
  }

  private static Forwarding forwarding(JsonFields f) {
    Forwarding d = Forwarding.defaults();
    return new Forwarding(
        f.strings("trustedProxyCidrs", d.trustedProxyCidrs()),
        f.bool("proxyProtocol", d.proxyProtocol()));
  }

  private static WebSocketSettings websocket(JsonFields f) {
    WebSocketSettings d = WebSocketSettings.defaults();
    return new WebSocketSettings(
        f.integer("idleTimeoutSeconds", d.idleTimeoutSeconds()),
        f.integer("maxFrameBytes", d.maxFrameBytes()),
        f.integer("maxMessageBytes", d.maxMessageBytes()));
  }

  private static Limits limits(JsonFields f) {
    Limits d = Limits.defaults();
    return new Limits(
        f.integer("maxHeaderBytes", d.maxHeaderBytes()),
        f.integer("maxRequestLineBytes", d.maxRequestLineBytes()),
        f.integer("headerTimeoutSeconds", d.headerTimeoutSeconds()),
        f.integer("idleTimeoutSeconds", d.idleTimeoutSeconds()),
        f.integer("maxConnections", d.maxConnections()),
        f.integer("http2MaxConcurrentStreams", d.http2MaxConcurrentStreams()));
  }

  private static Reload reload(JsonFields f) {
    Reload d = Reload.defaults();
    return new Reload(
        f.integer("pollIntervalSeconds", d.pollIntervalSeconds()),
        f.integer("debounceMillis", d.debounceMillis()));
  }

  private static Shutdown shutdown(JsonFields f) {
    Shutdown d = Shutdown.defaults();
    return new Shutdown(
        f.integer("delaySeconds", d.delaySeconds()),
        f.integer("gracePeriodSeconds", d.gracePeriodSeconds()));
  }

  private static AccessLog accessLog(JsonFields f) {
    return new AccessLog(f.bool("enabled", AccessLog.defaults().enabled()));
  }
}
