package io.akproxy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Canonical rendering: every field, in declaration order, two-space indentation, LF line ends, a
 * final newline and nothing volatile, so equal configurations render (and hash) byte for byte
 * equal.
 */
public final class ConfigRenderer {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final DefaultPrettyPrinter PRINTER =
      new DefaultPrettyPrinter(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
          .withObjectIndenter(new DefaultIndenter("  ", "\n"))
          .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  private ConfigRenderer() {}

  public static String render(ProxyConfig c) {
    try {
      return MAPPER.writer(PRINTER).writeValueAsString(tree(c)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serialises", e);
    }
  }

  /** {@code sha256:<64 hex digits>} of the canonical rendering. */
  public static String hash(ProxyConfig c) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(render(c).getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static ObjectNode tree(ProxyConfig c) {
    ObjectNode root = NODES.objectNode();
    root.put("version", c.version());
    root.set("serverNames", strings(c.serverNames()));

    Listeners l = c.listeners();
    ObjectNode listeners = root.putObject("listeners");
    listeners.put("bindAddress", l.bindAddress());
    listeners.putObject("https").put("port", l.https().port());
    listeners
        .putObject("http")
        .put("port", l.http().port())
        .put("redirectToHttps", l.http().redirectToHttps())
        .put("redirectPort", l.http().redirectPort());
    listeners.putObject("admin").put("port", l.admin().port());

    Tls t = c.tls();
    ObjectNode tls = root.putObject("tls");
    tls.put("certFile", t.certFile())
        .put("keyFile", t.keyFile())
        .put("minVersion", t.minVersion())
        .put("http2", t.http2());
    tls.putObject("hsts")
        .put("maxAgeSeconds", t.hsts().maxAgeSeconds())
        .put("includeSubDomains", t.hsts().includeSubDomains())
        .put("preload", t.hsts().preload());

    Upstream u = c.upstream();
    ObjectNode upstream = root.putObject("upstream");
    upstream.put("url", u.url());
    upstream
        .putObject("tls")
        .put("verify", u.tls().verify())
        .put("caFile", u.tls().caFile())
        .put("serverName", u.tls().serverName());
    upstream
        .putObject("keepAlive")
        .put("maxIdleConnections", u.keepAlive().maxIdleConnections())
        .put("idleTimeoutSeconds", u.keepAlive().idleTimeoutSeconds());
    upstream.put("connectTimeoutSeconds", u.connectTimeoutSeconds());
    upstream.put("responseTimeoutSeconds", u.responseTimeoutSeconds());

    root.put("pathPrefix", c.pathPrefix());

    ObjectNode forwarding = root.putObject("forwarding");
    forwarding.set("trustedProxyCidrs", strings(c.forwarding().trustedProxyCidrs()));
    forwarding.put("proxyProtocol", c.forwarding().proxyProtocol());

    root.putObject("websocket")
        .put("idleTimeoutSeconds", c.websocket().idleTimeoutSeconds())
        .put("maxFrameBytes", c.websocket().maxFrameBytes())
        .put("maxMessageBytes", c.websocket().maxMessageBytes());

    Limits lim = c.limits();
    root.putObject("limits")
        .put("maxHeaderBytes", lim.maxHeaderBytes())
        .put("maxRequestLineBytes", lim.maxRequestLineBytes())
        .put("headerTimeoutSeconds", lim.headerTimeoutSeconds())
        .put("idleTimeoutSeconds", lim.idleTimeoutSeconds())
        .put("maxConnections", lim.maxConnections())
        .put("http2MaxConcurrentStreams", lim.http2MaxConcurrentStreams());

    root.putObject("reload")
        .put("pollIntervalSeconds", c.reload().pollIntervalSeconds())
        .put("debounceMillis", c.reload().debounceMillis());
    root.putObject("shutdown")
        .put("delaySeconds", c.shutdown().delaySeconds())
        .put("gracePeriodSeconds", c.shutdown().gracePeriodSeconds());
    root.putObject("accessLog").put("enabled", c.accessLog().enabled());
    return root;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = NODES.arrayNode(values.size());
    values.forEach(array::add);
    return array;
  }
}
