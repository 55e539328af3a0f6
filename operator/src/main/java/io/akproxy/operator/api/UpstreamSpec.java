package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where authentik is. Exactly one of {@code service} and {@code url}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.service) != has(self.url)",
    message = "set exactly one of upstream.service and upstream.url")
public class UpstreamSpec {

  public static final int DEFAULT_KEEP_ALIVE = 10;
  public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
  public static final int DEFAULT_RESPONSE_TIMEOUT_SECONDS = 60;

  /** scheme://host[:port], no path: the path is spec.path. IPv6 literals in brackets. */
  static final String URL_REGEX =
      "^https?://(\\\\[[0-9a-fA-F:.]+\\\\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?)(:[0-9]{1,5})?/?$";

  @JsonPropertyDescription(
      "A Service in the same namespace, e.g. {name: authentik-server, port: https}. It is"
          + " resolved to its cluster DNS name and port.")
  public ServiceRef service;

  @Size(max = 2048)
  @ValidationRule(
      value = "self.matches('" + URL_REGEX + "')",
      message =
          "url must be http(s)://host[:port] with no path, e.g. https://authentik.internal:9443")
  @JsonPropertyDescription(
      "An explicit upstream URL, scheme://host[:port] only, e.g. https://authentik.internal:9443.")
  public String url;

  @JsonPropertyDescription("TLS towards authentik.")
  public UpstreamTlsSpec tls;

  @Default("" + DEFAULT_KEEP_ALIVE)
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription(
      "Idle keep-alive connections kept open to authentik per proxy pod (nginx's keepalive)."
          + " Default "
          + DEFAULT_KEEP_ALIVE
          + ".")
  public Integer keepAlive;

  @Default("" + DEFAULT_CONNECT_TIMEOUT_SECONDS)
  @Min(1)
  @Max(300)
  @JsonPropertyDescription(
      "Seconds to wait for a connection to authentik. Default "
          + DEFAULT_CONNECT_TIMEOUT_SECONDS
          + ".")
  public Integer connectTimeoutSeconds;

  @Default("" + DEFAULT_RESPONSE_TIMEOUT_SECONDS)
  @Min(1)
  @Max(3600)
  @JsonPropertyDescription(
      "Seconds to wait for authentik's response headers. Default "
          + DEFAULT_RESPONSE_TIMEOUT_SECONDS
          + ".")
  public Integer responseTimeoutSeconds;
}
