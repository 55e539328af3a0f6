package io.akproxy.runtime.wire;

/**
 * What the proxy needs to know about a request head it accepted: enough to frame the body that
 * follows and to name the request in the access log.
 *
 * @param contentLength the declared body length when {@code body} is {@link Body#LENGTH}
 * @param expectsContinue {@code Expect: 100-continue}: the client waits for an interim answer
 *     before sending the body, so the head cannot be held back until the body starts
 * @param upgradeCandidate {@code Connection} names {@code upgrade}: if the answer is 101, what
 *     follows is no longer HTTP
 */
record RequestHead(
    String method,
    String target,
    Body body,
    long contentLength,
    boolean expectsContinue,
    boolean upgradeCandidate) {

  enum Body {
    NONE,
    LENGTH,
    CHUNKED
  }
}
