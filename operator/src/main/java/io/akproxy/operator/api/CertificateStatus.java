package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Public facts of the served certificate. Never key material. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CertificateStatus {

  @JsonPropertyDescription("Start of validity, RFC 3339.")
  public String notBefore;

  @JsonPropertyDescription("End of validity, RFC 3339.")
  public String notAfter;

  @JsonPropertyDescription("The certificate's DNS subject alternative names.")
  public List<String> dnsNames;

  @JsonPropertyDescription(
      "Serial number in lower-case hex, as the proxy's /status endpoint reports it.")
  public String serial;

  @JsonPropertyDescription("Issuer distinguished name (RFC 2253).")
  public String issuer;
}
