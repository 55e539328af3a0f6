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
 * HTTP/2 GET does, in which case no body is sent at all.
 */
final class RequestBody {

  private RequestBody() {}

  /** Sends {@code to} with the body of {@code from}, which must be paused. */
  static void relay(HttpServerRequest from, HttpClientRequest to) {
    MultiMap headers = from.headers();
    String length = headers.get(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      if (length.equals("0")) {
        to.end();
        from.resume();
      } else {
        from.pipeTo(to).onFailure(err -> to.reset(0, err));
      }
      return;
    }
    if (from.version() != HttpVersion.HTTP_2 && !headers.contains(HttpHeaders.TRANSFER_ENCODING)) {
      to.end();
      from.resume();
      return;
    }
    new UnknownLength(from, to).start();
  }

  /** Decides on chunked framing at the first body event: data means chunked, end means empty. */
  private static final class UnknownLength {
    private final HttpServerRequest from;
    private final HttpClientRequest to;
    private boolean started;

    UnknownLength(HttpServerRequest from, HttpClientRequest to) {
      this.from = from;
      this.to = to;
    }

    void start() {
      from.handler(this::data);
      from.endHandler(v -> to.end());
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
}
