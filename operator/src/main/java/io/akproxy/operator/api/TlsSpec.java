package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The certificate the proxy serves and how. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsSpec {

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "A kubernetes.io/tls Secret in this namespace (tls.crt, tls.key), e.g. from cert-manager."
          + " Its certificate must cover every host. Rotating it reloads the proxy live.")
  public String secretName;

  @Default("TLSv1.3")
  @JsonPropertyDescription("Lowest TLS version offered: TLSv1.3 (default) or TLSv1.2.")
  public TlsVersion minVersion;

  @Default("true")
  @JsonPropertyDescription("Offer HTTP/2 through ALPN. Default true.")
  public Boolean http2;

  @JsonPropertyDescription("Strict-Transport-Security, sent on every HTTPS response.")
  public HstsSpec hsts;
}
