package io.akproxy.config;

/**
 * One problem in a proxy configuration: where it is (a JSON path such as {@code
 * forwarding.trustedProxyCidrs[2]}) and why it is wrong.
 */
public record ConfigError(String path, String message) {

  /** Where the error concerns the document as a whole (malformed JSON, not an object). */
  public static final String DOCUMENT = "";

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
