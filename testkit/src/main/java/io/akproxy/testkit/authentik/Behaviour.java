package io.akproxy.testkit.authentik;

import java.time.Duration;

/**
 * The stub's knobs, each off by default and changeable while it runs: how authentik (or the proxies
 * and servers in front of it) behave at their worst towards a keep-alive client.
 *
 * @param idleTimeout close a keep-alive connection that sent nothing for this long (null: never)
 * @param connectionCloseEvery answer {@code Connection: close} (and close) on every Nth response
 *     counted across all connections (0: never)
 * @param closeAfterRequests close every connection, without warning, after its Nth response (0:
 *     never)
 * @param resetMidBodyEvery on every Nth response send the head and half the body, then reset the
 *     TCP connection (0: never)
 * @param trickleBytes write heads and bodies this many bytes at a time (0: all at once)
 * @param tricklePause the pause between trickled pieces
 * @param responseDelay wait this long before answering each request (null: answer at once)
 */
public record Behaviour(
    Duration idleTimeout,
    int connectionCloseEvery,
    int closeAfterRequests,
    int resetMidBodyEvery,
    int trickleBytes,
    Duration tricklePause,
    Duration responseDelay) {

  /** Well-behaved: keep-alive forever, whole answers at once. */
  public static final Behaviour DEFAULT = new Behaviour(null, 0, 0, 0, 0, Duration.ZERO, null);

  public Behaviour closeIdleAfter(Duration timeout) {
    return new Behaviour(
        timeout,
        connectionCloseEvery,
        closeAfterRequests,
        resetMidBodyEvery,
        trickleBytes,
        tricklePause,
        responseDelay);
  }

  public Behaviour connectionCloseEvery(int n) {
    return new Behaviour(
        idleTimeout,
        n,
        closeAfterRequests,
        resetMidBodyEvery,
        trickleBytes,
        tricklePause,
        responseDelay);
  }

  public Behaviour closeAfterRequests(int n) {
    return new Behaviour(
        idleTimeout,
        connectionCloseEvery,
        n,
        resetMidBodyEvery,
        trickleBytes,
        tricklePause,
        responseDelay);
  }

  public Behaviour resetMidBodyEvery(int n) {
    return new Behaviour(
        idleTimeout,
        connectionCloseEvery,
        closeAfterRequests,
        n,
        trickleBytes,
        tricklePause,
        responseDelay);
  }

  public Behaviour trickle(int bytes, Duration pause) {
    return new Behaviour(
        idleTimeout,
        connectionCloseEvery,
        closeAfterRequests,
        resetMidBodyEvery,
        bytes,
        pause,
        responseDelay);
  }

  public Behaviour delayResponses(Duration delay) {
    return new Behaviour(
        idleTimeout,
        connectionCloseEvery,
        closeAfterRequests,
        resetMidBodyEvery,
        trickleBytes,
        tricklePause,
        delay);
  }
}
