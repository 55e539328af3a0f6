package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** TLS towards authentik. Off by default, as in the seed: authentik ships a self-signed cert. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.caSecretName) || (has(self.verify) && self.verify)",
    message = "caSecretName needs verify: true")
public class UpstreamTlsSpec {

  @Default("false")
  @JsonPropertyDescription(
      "Verify authentik's certificate (against caSecretName, or the JVM's roots). Default"
          + " false.")
  public Boolean verify;

  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "A Secret in this namespace whose key ca.crt holds the PEM CA bundle to verify against.")
  public String caSecretName;

  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$")
  @JsonPropertyDescription("SNI and verified name; default: the upstream's host.")
  public String serverName;
}
