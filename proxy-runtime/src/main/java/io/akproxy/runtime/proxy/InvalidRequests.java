package io.akproxy.runtime.proxy;

import io.akproxy.runtime.wire.RequestRejected;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpServerRequest;

/** The answer to a request the HTTP decoder could not accept. The connection is closed after. */
final class InvalidRequests {

  private InvalidRequests() {}

  static Rejection rejection(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof RequestRejected rejected) {
      return new Rejection(rejected.status(), rejected.body(), null, true);
    }
    String name = cause == null ? "" : cause.getClass().getSimpleName();
    if (name.equals("TooLongHttpLineException")) {
      return new Rejection(414, "414 URI Too Long\n", null, true);
    }
    if (name.equals("TooLongHttpHeaderException") || cause instanceof TooLongFrameException) {
      return new Rejection(431, "431 Request Header Fields Too Large\n", null, true);
    }
    return new Rejection(400, "400 Bad Request\n", null, true);
  }
}
