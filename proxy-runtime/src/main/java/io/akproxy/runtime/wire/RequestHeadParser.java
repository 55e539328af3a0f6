package io.akproxy.runtime.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Checks one complete HTTP/1.1 request head against RFC 9112, refusing everything two parsers could
 * read differently (the root of request smuggling), as nginx does:
 *
 * <ul>
 *   <li>request line: a token method, one space, an origin-form target (or {@code *} for OPTIONS),
 *       one space, {@code HTTP/1.1} or {@code HTTP/1.0}; other versions get 505, CONNECT and TRACE
 *       501;
 *   <li>field lines: no obsolete line folding, no whitespace before the colon, token names, values
 *       without control characters (NUL, bare CR, DEL);
 *   <li>no header of the obsolete hixie-76 WebSocket handshake, whose implied body length Netty
 *       still honours;
 *   <li>exactly one {@code Host} (HTTP/1.1), at most one {@code Content-Length} of plain digits, no
 *       {@code Content-Length} together with {@code Transfer-Encoding}, and {@code
 *       Transfer-Encoding} only as a single, final {@code chunked} (501 for codings the proxy does
 *       not implement).
 * </ul>
 *
 * The caller has already checked line endings (CRLF only) and the size limits.
 */
final class RequestHeadParser {

  private static final byte CR = '\r';
  private static final byte SP = ' ';
  private static final byte HTAB = '\t';

  /** RFC 9110 tchar, indexed by byte value. */
  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private RequestHeadParser() {}

  /**
   * @param start the first byte of the request line
   * @param length the head's length, its final empty line included
   * @throws RequestRejected when the head must not be forwarded
   */
  static RequestHead parse(ByteBuf in, int start, int length) {
    int end = start + length;
    int lineEnd = in.indexOf(start, end, CR);
    Line requestLine = requestLine(in, start, lineEnd);
    Fields fields = new Fields();
    int lineStart = lineEnd + 2;
    while (true) {
      lineEnd = in.indexOf(lineStart, end, CR);
      if (lineEnd == lineStart) {
        break;
      }
      fieldLine(in, lineStart, lineEnd, fields);
      lineStart = lineEnd + 2;
    }
    return semantics(requestLine, fields);
  }

  private record Line(String method, String target, boolean http11) {}

  /** The field values the framing depends on, collected while checking every line. */
  private static final class Fields {
    int hosts;
    String host;
    int contentLengths;
    String contentLength;
    String transferEncoding;
    boolean connectionUpgrade;
    boolean expectsContinue;
  }

  private static Line requestLine(ByteBuf in, int start, int end) {
    int methodEnd = in.indexOf(start, end, SP);
    if (methodEnd <= start) {
      throw bad("malformed request line");
    }
    for (int i = start; i < methodEnd; i++) {
      if (!isTchar(in.getByte(i))) {
        throw bad("malformed request line");
      }
    }
    int targetStart = methodEnd + 1;
    int targetEnd = in.indexOf(targetStart, end, SP);
    if (targetEnd <= targetStart) {
      throw bad("malformed request line");
    }
    for (int i = targetStart; i < targetEnd; i++) {
      byte b = in.getByte(i);
      if (b < 0x21 || b > 0x7e || b == '#') {
        throw bad("invalid character in the request target");
      }
    }
    String version = ascii(in, targetEnd + 1, end);
    if (version.length() != 8
        || !version.startsWith("HTTP/")
        || !isDigit(version.charAt(5))
        || version.charAt(6) != '.'
        || !isDigit(version.charAt(7))) {
      throw bad("malformed request line");
    }
    boolean http11 = version.equals("HTTP/1.1");
    if (!http11 && !version.equals("HTTP/1.0")) {
      throw new RequestRejected(505, "use HTTP/1.1 or HTTP/2");
    }
    String method = ascii(in, start, methodEnd);
    if (method.equals("CONNECT") || method.equals("TRACE")) {
      throw new RequestRejected(501, "method not implemented by this proxy");
    }
    String target = ascii(in, targetStart, targetEnd);
    // Absolute-form would let the target name another host than Host; browsers never send it to
    // an origin, and authentik must see one host, so only origin-form (and OPTIONS *) pass.
    if (target.charAt(0) != '/' && !(target.equals("*") && method.equals("OPTIONS"))) {
      throw bad("the request target must be an absolute path");
    }
    return new Line(method, target, http11);
  }

  /** Checks one field line; the caller guarantees it has no CR or LF. */
  static void fieldLine(ByteBuf in, int start, int end, Fields fields) {
    byte first = in.getByte(start);
    if (first == SP || first == HTAB) {
      throw bad("obsolete line folding in a header field");
    }
    int colon = start;
    while (colon < end) {
      byte b = in.getByte(colon);
      if (b == ':') {
        break;
      }
      if (b == SP || b == HTAB) {
        throw bad("whitespace before the colon of a header field");
      }
      if (!isTchar(b)) {
        throw bad("invalid character in a header field name");
      }
      colon++;
    }
    if (colon == end) {
      throw bad("header field without a colon");
    }
    if (colon == start) {
      throw bad("empty header field name");
    }
    for (int i = colon + 1; i < end; i++) {
      byte b = in.getByte(i);
      // VCHAR, obs-text (negative as a signed byte), SP and HTAB; everything else is a control.
      if ((b >= 0 && b < 0x20 && b != HTAB) || b == 0x7f) {
        throw bad("control character in a header field value");
      }
    }
    if (fields != null) {
      collect(in, start, colon, end, fields);
    }
  }

  private static void collect(ByteBuf in, int start, int colon, int end, Fields fields) {
    int nameLength = colon - start;
    switch (nameLength) {
      case 4 -> {
        if (named(in, start, "host")) {
          fields.hosts++;
          fields.host = value(in, colon, end);
        }
      }
      case 6 -> {
        if (named(in, start, "expect")) {
          fields.expectsContinue |= value(in, colon, end).equalsIgnoreCase("100-continue");
        }
      }
      case 10 -> {
        if (named(in, start, "connection")) {
          fields.connectionUpgrade |=
              value(in, colon, end).toLowerCase(Locale.ROOT).contains("upgrade");
        }
      }
      case 14 -> {
        if (named(in, start, "content-length")) {
          fields.contentLengths++;
          fields.contentLength = value(in, colon, end);
        }
      }
      case 18 -> {
        // The 2010 draft handshake (hixie-76) gives a GET an implicit 8-byte body that Netty's
        // decoder still counts: two parsers would disagree on where the next request starts.
        if (named(in, start, "sec-websocket-key1") || named(in, start, "sec-websocket-key2")) {
          throw bad("obsolete WebSocket handshake");
        }
      }
      case 17 -> {
        if (named(in, start, "transfer-encoding")) {
          String value = value(in, colon, end);
          fields.transferEncoding =
              fields.transferEncoding == null ? value : fields.transferEncoding + "," + value;
        }
      }
      default -> {
        // Not a field the framing depends on.
      }
    }
  }

  private static RequestHead semantics(Line line, Fields fields) {
    if (line.http11() && fields.hosts == 0) {
      throw bad("missing Host header");
    }
    if (fields.hosts > 1) {
      throw bad("more than one Host header");
    }
    if (fields.host != null && !isHost(fields.host)) {
      throw bad("invalid Host header");
    }
    if (fields.contentLengths > 1) {
      throw bad("more than one Content-Length header");
    }
    long length = -1;
    if (fields.contentLength != null) {
      length = contentLength(fields.contentLength);
    }
    boolean chunked = false;
    if (fields.transferEncoding != null) {
      if (!line.http11()) {
        throw bad("Transfer-Encoding in an HTTP/1.0 request");
      }
      if (length >= 0) {
        throw bad("both Content-Length and Transfer-Encoding");
      }
      chunked = chunkedOnly(fields.transferEncoding);
    }
    RequestHead.Body body =
        chunked
            ? RequestHead.Body.CHUNKED
            : length > 0 ? RequestHead.Body.LENGTH : RequestHead.Body.NONE;
    return new RequestHead(
        line.method(),
        line.target(),
        body,
        Math.max(length, 0),
        fields.expectsContinue,
        fields.connectionUpgrade);
  }

  /**
   * {@code chunked} alone passes. Chunked applied twice or not last makes the length unknowable
   * (400, RFC 9112 section 6.3); any other coding is one the proxy does not implement (501).
   */
  private static boolean chunkedOnly(String transferEncoding) {
    String[] codings = transferEncoding.split(",", -1);
    boolean unknown = false;
    int chunked = 0;
    for (int i = 0; i < codings.length; i++) {
      String coding = codings[i].trim();
      if (coding.isEmpty()) {
        throw bad("empty Transfer-Encoding");
      }
      if (coding.equalsIgnoreCase("chunked")) {
        chunked++;
        if (i != codings.length - 1) {
          throw bad("chunked is not the final transfer coding");
        }
      } else {
        unknown = true;
      }
    }
    if (chunked > 1) {
      throw bad("chunked applied more than once");
    }
    if (unknown) {
      throw new RequestRejected(501, "transfer coding not implemented by this proxy");
    }
    return true;
  }

  private static long contentLength(String value) {
    if (value.isEmpty() || value.length() > 18) {
      throw bad("invalid Content-Length");
    }
    long length = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isDigit(c)) {
        throw bad("invalid Content-Length");
      }
      length = length * 10 + (c - '0');
    }
    return length;
  }

  /** uri-host [ ":" port ]: registered-name characters, an IP literal's brackets and colons. */
  private static boolean isHost(String host) {
    if (host.isEmpty()) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || isDigit(c)
              || "-._~!$&'()*+,;=%:[]".indexOf(c) >= 0;
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  private static boolean named(ByteBuf in, int start, String lowerCaseName) {
    for (int i = 0; i < lowerCaseName.length(); i++) {
      if ((in.getByte(start + i) | 0x20) != lowerCaseName.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The value after the colon, without surrounding spaces and tabs. */
  private static String value(ByteBuf in, int colon, int end) {
    int from = colon + 1;
    while (from < end && isWhitespace(in.getByte(from))) {
      from++;
    }
    int to = end;
    while (to > from && isWhitespace(in.getByte(to - 1))) {
      to--;
    }
    return in.toString(from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static String ascii(ByteBuf in, int from, int to) {
    return in.toString(from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static boolean isTchar(byte b) {
    return b > 0 && TCHAR[b];
  }

  private static boolean isWhitespace(byte b) {
    return b == SP || b == HTAB;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static RequestRejected bad(String reason) {
    return new RequestRejected(400, reason);
  }
}
