package io.akproxy.runtime.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

/**
 * Streams authentik's answer to the client with backpressure (a slow reader pauses authentik's
 * connection), and settles the exchange exactly once, whichever way it ends:
 *
 * <ul>
 *   <li>authentik's answer ends: the client's response ends;
 *   <li>authentik's connection breaks mid-body: the client's response is reset, never ended, so a
 *       cut-off body cannot pass for a whole one;
 *   <li>the client leaves first: the request to authentik is reset (its connection closes), unless
 *       authentik's answer had already ended, since by then the pool may have handed that
 *       connection to another request.
 * </ul>
 *
 * <p>Vert.x's own {@code pipeTo} does neither of the last two: it ends the destination when the
 * source fails, and a write to a stream the client reset can make it throw from inside the pipe.
 */
final class ResponseBody {

  private final HttpClientResponse from;
  private final HttpServerResponse to;
  private final HttpClientRequest outgoing;
  private final Runnable settled;
  private boolean upstreamEnded;
  private boolean done;

  private ResponseBody(
      HttpClientResponse from, HttpServerResponse to, HttpClientRequest outgoing, Runnable done) {
    this.from = from;
    this.to = to;
    this.outgoing = outgoing;
    this.settled = done;
  }

  /**
   * Relays {@code from} into {@code to}, whose status and headers are set.
   *
   * @param withBody {@code false} for answers that carry no body (HEAD, 204, 304): {@code to} ends
   *     at once and {@code from} is only read to its end
   * @param done runs once when the exchange is over, on every path
   */
  static void relay(
      Exchange exchange,
      HttpClientResponse from,
      HttpServerResponse to,
      HttpClientRequest outgoing,
      boolean withBody,
      Runnable done) {
    ResponseBody body = new ResponseBody(from, to, outgoing, done);
    exchange.onClientGone(body::clientGone);
    from.exceptionHandler(body::upstreamFailed);
    from.endHandler(v -> body.upstreamEnded());
    if (withBody) {
      from.handler(body::chunk);
    } else {
      to.end();
    }
  }

  private void chunk(Buffer chunk) {
    if (to.closed()) {
      return;
    }
    to.write(chunk);
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(v -> from.resume());
    }
  }

  private void upstreamEnded() {
    upstreamEnded = true;
    if (!to.ended() && !to.closed()) {
      to.end();
    }
    settle();
  }

  private void upstreamFailed(Throwable failure) {
    if (!to.ended() && !to.closed()) {
      to.reset();
    }
    settle();
  }

  private void clientGone() {
    if (!upstreamEnded) {
      outgoing.reset();
    }
    settle();
  }

  private void settle() {
    if (!done) {
      done = true;
      settled.run();
    }
  }
}
