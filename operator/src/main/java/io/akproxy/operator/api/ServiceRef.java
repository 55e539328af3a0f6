package io.akproxy.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** A Service in the resource's namespace and one of its ports. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceRef {

  @Required
  @Pattern("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
  @JsonPropertyDescription("The Service's name, in the same namespace as this resource.")
  public String name;

  @Required
  @ValidationRule(
      value = "type(self) != int || (self >= 1 && self <= 65535)",
      message = "port must be a port name or a number in 1-65535")
  // A string is looked up as a port name (an IANA_SVC_NAME, as Kubernetes validates them), so
  // "443" in quotes would never match port 443.
  @ValidationRule(
      value = "type(self) != string || !self.matches('^[0-9]+$')",
      message =
          "port given as a string of digits is looked up as a port name and never matches: write"
              + " the number without quotes (port: 443), or the port's name (port: https)")
  @ValidationRule(
      value =
          "type(self) != string || (size(self) <= 15"
              + " && self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$') && !self.contains('--'))",
      message =
          "port must be a number or a port name: at most 15 lower-case letters, digits and"
              + " single '-', starting and ending with a letter or digit (e.g. https)")
  @JsonPropertyDescription("The Service port: its name (e.g. https) or its number (e.g. 443).")
  public IntOrString port;

  @JsonPropertyDescription(
      "http or https. Default: http when the Service port's name or appProtocol is http,"
          + " otherwise https (authentik's 9443).")
  public UpstreamScheme scheme;
}
