package io.akproxy.operator.model;

import java.util.Optional;

/**
 * The validated certificate chain and key, and the upstream CA bundle when one is configured: what
 * the operator copies into the Secret the pods mount ({@link Names#tlsCopy}). PEM text; {@link
 * #toString()} never shows it.
 */
public record TlsMaterial(String certificatePem, String keyPem, Optional<String> upstreamCaPem) {

  @Override
  public String toString() {
    return "TlsMaterial[redacted]";
  }
}
