package io.akproxy.runtime.proxy;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.util.Set;

/**
 * When a request that failed at authentik is sent once more, on a new connection: nginx's {@code
 * proxy_next_upstream error} for kept-alive connections. authentik (like any app server) closes
 * idle keep-alive connections on its own schedule, and a request sent on one it is closing fails
 * before any answer; sent again on a fresh connection it succeeds. Only when nothing can have
 * happened twice: an idempotent method, an empty body already sent in full, a kept-alive
 * connection, one that had served an earlier exchange or waited in the pool (nginx's "cached"
 * connection; one opened for this request that fails says authentik is in trouble, not that it
 * closed an idle one), and a broken connection before any byte of an answer (not even part of a
 * status line: authentik got the request), never a timeout (authentik may still be working on it).
 */
final class Retry {

  /** RFC 9110 section 9.2.2's idempotent methods that authentik serves. */
  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(
          HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE);

  private Retry() {}

  /**
   * @param attempt the failed attempt on its connection: that connection must have been kept alive
   *     (not opened for this request), and no byte of an answer may have arrived on it since
   * @param emptyBodySent the request's whole body was empty and has been sent
   * @param failure why the attempt got no answer
   */
  static boolean allowed(
      HttpMethod method,
      ConnectionWatch.Attempt attempt,
      boolean emptyBodySent,
      Throwable failure) {
    return attempt.keptAlive()
        && !attempt.answerBegun()
        && emptyBodySent
        && IDEMPOTENT.contains(method)
        && brokenConnection(failure);
  }

  /** Closed or reset; a response timeout is neither (Vert.x reports a TimeoutException). */
  private static boolean brokenConnection(Throwable failure) {
    return failure instanceof HttpClosedException || failure instanceof IOException;
  }
}
