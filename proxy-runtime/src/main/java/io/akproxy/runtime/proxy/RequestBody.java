package io.akproxy.runtime.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Streams a client's request body to authentik with backpressure, keeping the framing HTTP/1.1
 * needs: a declared {@code Content-Length} is kept; a body of unknown length (HTTP/1.1 chunked, or
 * HTTP/2 without {@code content-length}) is sent chunked, unless it turns out to be empty, as every
 * HTTP/2 GET does, in which case no body is sent at all. Knows afterwards whether the body was
 * empty and sent in full, the one case in which the request can be sent again ({@link Retry}).
 */
final class RequestBody {

  private final HttpServerRequest from;
  private final HttpClientRequest to;
  private boolean started;
  private boolean emptyAndSent;

  private RequestBody(HttpServerRequest from, HttpClientRequest to) {
    this.from = from;
    this.to = to;
  }

  /** Sends {@code to} with the body of {@code from}, which must be paused. */
  static RequestBody relay(HttpServerRequest from, HttpClientRequest to) {
    RequestBody body = new RequestBody(from, to);
    MultiMap headers = from.headers();
    String length = headers.get(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      if (length.equals("0")) {
        body.endEmpty();
      } else {
        from.pipeTo(to).onFailure(err -> to.reset(0, err));
      }
    } else if (from.version() != HttpVersion.HTTP_2
        && !headers.contains(HttpHeaders.TRANSFER_ENCODING)) {
      body.endEmpty();
    } else {
      body.unknownLength();
    }
    return body;
  }

  /** Whether the whole body was empty and the request has been sent in full. */
  boolean emptyAndSent() {
    return emptyAndSent;
  }

  private void endEmpty() {
    emptyAndSent = true;
    to.end();
    from.resume();
  }

  /** Decides on chunked framing at the first body event: data means chunked, end means empty. */
  private void unknownLength() {
    from.handler(this::data);
    from.endHandler(
        v -> {
          emptyAndSent = !started;
          to.end();
        });
    from.exceptionHandler(err -> to.reset(0, err));
    to.drainHandler(v -> from.resume());
    from.resume();
  }

  private void data(Buffer chunk) {
    if (!started) {
      started = true;
      to.setChunked(true);
    }
    to.write(chunk);
    if (to.writeQueueFull()) {
      from.pause();
    }
  }
}
