package io.akproxy.runtime.wire;

/**
 * Why a request is answered by the proxy before Vert.x parses it: an HTTP status and a short, fixed
 * reason (never an echo of what the client sent). It travels to the listener's invalid-request
 * handler as the decoder failure of a stand-in request, so the answer gets HSTS, the access log,
 * the metrics and the pipelining order of every other answer, and the connection is closed after
 * it.
 */
public final class RequestRejected extends RuntimeException {

  private final int status;

  public RequestRejected(int status, String reason) {
    // No stack trace: this is a verdict on input, raised for every hostile request.
    super(reason, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public String reason() {
    return getMessage();
  }

  /** The plain-text body sent to the client. */
  public String body() {
    return status + " " + phrase(status) + ": " + reason() + "\n";
  }

  static String phrase(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 408 -> "Request Timeout";
      case 414 -> "URI Too Long";
      case 431 -> "Request Header Fields Too Large";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      case 505 -> "HTTP Version Not Supported";
      default -> "Error";
    };
  }
}
