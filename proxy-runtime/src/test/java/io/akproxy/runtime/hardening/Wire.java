package io.akproxy.runtime.hardening;

import io.akproxy.runtime.support.Clients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Raw bytes on a TLS (or plain) socket, for the vectors where the wire format is the point. */
final class Wire {

  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");

  /** What came back: the bytes as text, and whether the server closed the connection. */
  record Reply(String text, boolean closed) {

    int status() {
      Matcher m = STATUS.matcher(text);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Statuses of every response in order (pipelined requests). */
    List<Integer> statuses() {
      return Pattern.compile("HTTP/1\\.1 (\\d{3}) ")
          .matcher(text)
          .results()
          .map(r -> Integer.parseInt(r.group(1)))
          .toList();
    }

    String lower() {
      return text.toLowerCase(Locale.ROOT);
    }
  }

  /** One context for every connection: building one per socket costs more than the handshake. */
  private static final SSLContext CONTEXT = Clients.trustContext();

  private Wire() {}

  /**
   * A TLS 1.3 connection to localhost negotiating http/1.1, handshake done. No Nagle: the
   * handshake's last flight and a request would otherwise wait for a delayed ACK.
   */
  static Socket tls(int port) {
    try {
      SSLSocket socket = (SSLSocket) CONTEXT.getSocketFactory().createSocket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("localhost", port), 5000);
      socket.setSoTimeout(5000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setProtocols(new String[] {"TLSv1.3"});
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Socket plain(int port) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(5000);
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code request} on a new TLS connection and reads until the server closes it. */
  static Reply send(int port, String request) {
    try (Socket socket = tls(port)) {
      write(socket, request);
      return read(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /**
   * Reads until the server closes the connection or stays silent for the socket's timeout (then
   * {@code closed} is false).
   */
  static Reply read(Socket socket) {
    StringBuilder text = new StringBuilder();
    byte[] buffer = new byte[8192];
    try {
      InputStream in = socket.getInputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      }
      return new Reply(text.toString(), true);
    } catch (SocketTimeoutException e) {
      return new Reply(text.toString(), false);
    } catch (IOException e) {
      // A reset is a close too.
      return new Reply(text.toString(), true);
    }
  }

  /** Reads one response head, byte by byte, so nothing after it is consumed. */
  static String readHead(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** Reads one response with a Content-Length body, leaving the connection open. */
  static String readResponse(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    String head = readHead(socket);
    Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
    int body = length.find() ? Integer.parseInt(length.group(1)) : 0;
    byte[] bytes = in.readNBytes(body);
    return head + new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
