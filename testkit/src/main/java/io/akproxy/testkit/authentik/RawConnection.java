package io.akproxy.testkit.authentik;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/**
 * A connection in raw-socket mode: every byte counted and kept (up to 1 MiB), nothing parsed. With
 * answers on, a canned {@code 200} goes back each time an empty line (CRLF CRLF) passes.
 */
final class RawConnection {

  private static final int CAPTURE_LIMIT = 1024 * 1024;
  private static final byte[] CANNED =
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"
          .getBytes(StandardCharsets.US_ASCII);

  private final AuthentikStub stub;
  private final Socket socket;
  private final SSLContext tls;
  private final boolean answer;

  RawConnection(AuthentikStub stub, Socket socket, SSLContext tls, boolean answer) {
    this.stub = stub;
    this.socket = socket;
    this.tls = tls;
    this.answer = answer;
  }

  void run() throws IOException {
    Socket io = tls == null ? socket : HttpConnection.handshake(socket, tls);
    ByteArrayOutputStream capture = new ByteArrayOutputStream();
    stub.addRawCapture(capture);
    InputStream in = io.getInputStream();
    OutputStream out = io.getOutputStream();
    byte[] buffer = new byte[16 * 1024];
    int matched = 0; // how much of CRLF CRLF the last bytes matched
    int n;
    while ((n = in.read(buffer)) > 0) {
      synchronized (capture) {
        capture.write(buffer, 0, Math.min(n, Math.max(0, CAPTURE_LIMIT - capture.size())));
      }
      // Counted after the capture: a caller that waits for the count then reads the capture.
      stub.bytesReceived.addAndGet(n);
      if (!answer) {
        continue;
      }
      for (int i = 0; i < n; i++) {
        byte b = buffer[i];
        matched =
            (matched % 2 == 0 && b == '\r') || (matched % 2 == 1 && b == '\n')
                ? matched + 1
                : (b == '\r' ? 1 : 0);
        if (matched == 4) {
          out.write(CANNED);
          out.flush();
          stub.responses.incrementAndGet();
          matched = 0;
        }
      }
    }
  }
}
