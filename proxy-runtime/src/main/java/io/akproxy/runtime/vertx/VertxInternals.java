package io.akproxy.runtime.vertx;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.KeyStoreHelper;
import java.security.KeyStore;
import java.util.List;

/**
 * Every use of Vert.x internals, in one place, so that a Vert.x upgrade that moves them fails the
 * start-up check ({@link #check}) instead of silently disabling the HTTP/1.1 gate or the tunnel
 * idle timeout. What the runtime relies on:
 *
 * <ul>
 *   <li>a connection ({@link HttpConnection}, or the {@code NetSocket} of an upgraded one) is a
 *       {@link ConnectionBase}, whose Netty pipeline can be reached;
 *   <li>Vert.x names its HTTP/1.x codec {@value #HTTP1_DECODER} and {@value #HTTP1_ENCODER} in that
 *       pipeline (the gate sits before the one and watches after the other);
 *   <li>a connection's idle timeout is the handler {@value #IDLE_TIMEOUT}, which a WebSocket tunnel
 *       removes (it keeps its own, far longer, in {@code TunnelRelay}); were it renamed, a tunnel
 *       would close after the listener's keep-alive timeout, which {@code WebSocketTest} catches;
 *   <li>its HTTP/1.x client codec is {@value #HTTP1_CLIENT_CODEC} in a client connection's pipeline
 *       (the upstream pool watches the bytes authentik sends before it); when it is not, that
 *       connection's requests are simply never retried, so this one is not part of the check;
 *   <li>{@link KeyStoreHelper#loadKeyCert} parses PEM exactly as the TLS listener will;
 *   <li>a connection's Netty channel can carry attributes (the client's resolved address is kept
 *       there); when it cannot, the address is worked out per request instead, so this one is not
 *       part of the check either.
 * </ul>
 *
 * Which protocol a connection speaks is never read from the pipeline: {@link
 * HttpConnection#protocolVersion()} is public API.
 */
public final class VertxInternals {

  /** Vert.x's name for the HTTP/1.x request decoder in a server connection's pipeline. */
  public static final String HTTP1_DECODER = "httpDecoder";

  /** Vert.x's name for the HTTP/1.x response encoder in a server connection's pipeline. */
  public static final String HTTP1_ENCODER = "httpEncoder";

  /** Vert.x's name for the HTTP/1.x codec in a client connection's pipeline. */
  public static final String HTTP1_CLIENT_CODEC = "codec";

  /** Vert.x's name for a connection's idle-timeout handler, server and client alike. */
  static final String IDLE_TIMEOUT = "idle";

  private VertxInternals() {}

  /**
   * Puts {@code handler} in an HTTP/1.x client connection's pipeline right before Vert.x's codec,
   * where it sees the bytes the server sent, decrypted and not yet parsed.
   *
   * @return {@code false} when the connection's pipeline is not as expected (nothing added)
   */
  public static boolean addBeforeHttp1ClientCodec(
      HttpConnection connection, String name, ChannelHandler handler) {
    if (!(connection instanceof ConnectionBase)) {
      return false;
    }
    ChannelPipeline pipeline = pipeline(connection);
    if (pipeline.get(HTTP1_CLIENT_CODEC) == null) {
      return false;
    }
    pipeline.addBefore(HTTP1_CLIENT_CODEC, name, handler);
    return true;
  }

  /**
   * The Netty pipeline under a Vert.x connection or socket.
   *
   * @throws IllegalStateException when Vert.x no longer builds its connections on {@code
   *     ConnectionBase}
   */
  public static ChannelPipeline pipeline(Object connection) {
    if (!(connection instanceof ConnectionBase base)) {
      throw new IllegalStateException(
          "Vert.x internals changed: "
              + (connection == null ? "null" : connection.getClass().getName())
              + " is not a ConnectionBase, so its Netty pipeline cannot be reached");
    }
    return base.channelHandlerContext().pipeline();
  }

  /**
   * An attribute of the Netty channel under a connection, where per-connection facts can be kept,
   * or {@code null} when the connection is not a {@code ConnectionBase} (the caller then works
   * without: this is a cache, not a check).
   */
  public static <T> Attribute<T> attribute(HttpConnection connection, AttributeKey<T> key) {
    if (!(connection instanceof ConnectionBase base)) {
      return null;
    }
    return base.channel().attr(key);
  }

  /**
   * Removes the connection's idle timeout, if it has one (a listener's keep-alive timeout, or the
   * client pool's): for a connection that becomes a WebSocket tunnel, which keeps its own.
   */
  public static void removeIdleTimeout(ChannelPipeline pipeline) {
    if (pipeline.get(IDLE_TIMEOUT) != null) {
      pipeline.remove(IDLE_TIMEOUT);
    }
  }

  /** Whether an HTTP/1.x connection's pipeline holds Vert.x's codec under the expected names. */
  public static boolean hasHttp1Codec(ChannelPipeline pipeline) {
    return pipeline.get(HTTP1_DECODER) != null && pipeline.get(HTTP1_ENCODER) != null;
  }

  /** The certificate chain and key in PEM, as Vert.x's TLS listener will read them. */
  public static KeyStore keyStore(byte[] keyPem, byte[] certPem) throws Exception {
    return KeyStoreHelper.loadKeyCert(
        List.of(Buffer.buffer(keyPem)), List.of(Buffer.buffer(certPem)));
  }

  /** The password of the entries in {@link #keyStore}. */
  public static char[] keyStorePassword() {
    return KeyStoreHelper.DUMMY_PASSWORD.toCharArray();
  }

  /**
   * Proves, on a throwaway loopback server, that what this class relies on is there: one real
   * HTTP/1.1 exchange whose server connection must be a {@code ConnectionBase} with Vert.x's codec
   * under the expected names, and the PEM helper must exist. Fails with the reason otherwise; the
   * runtime then refuses to start rather than serve without its gate.
   */
  public static Future<Void> check(Vertx vertx) {
    return check(vertx, HTTP1_DECODER, HTTP1_ENCODER);
  }

  static Future<Void> check(Vertx vertx, String decoder, String encoder) {
    try {
      KeyStoreHelper.class.getMethod("loadKeyCert", List.class, List.class);
      keyStorePassword();
    } catch (NoSuchMethodException | LinkageError e) {
      return Future.failedFuture(
          new IllegalStateException("Vert.x internals changed: KeyStoreHelper: " + e, e));
    }
    Promise<Void> inspected = Promise.promise();
    HttpServer server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .requestHandler(request -> request.response().end());
    server.connectionHandler(
        connection -> {
          try {
            String missing = inspect(connection, decoder, encoder);
            if (missing == null) {
              inspected.tryComplete();
            } else {
              inspected.tryFail(new IllegalStateException(missing));
            }
          } catch (RuntimeException | LinkageError e) {
            inspected.tryFail(new IllegalStateException("Vert.x internals changed: " + e, e));
          }
        });
    HttpClient client =
        vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1));
    Future<Void> exchanged =
        server
            .listen()
            .compose(
                listening ->
                    client.request(HttpMethod.GET, listening.actualPort(), "127.0.0.1", "/"))
            .compose(HttpClientRequest::send)
            .compose(response -> response.body())
            .mapEmpty();
    return Future.all(exchanged, inspected.future())
        .<Void>mapEmpty()
        .eventually(() -> Future.join(client.close(), server.close()));
  }

  /** What is missing from one HTTP/1.1 server connection, or {@code null} when nothing is. */
  private static String inspect(HttpConnection connection, String decoder, String encoder) {
    ChannelPipeline pipeline = pipeline(connection);
    if (connection.protocolVersion() != HttpVersion.HTTP_1_1) {
      return "Vert.x internals changed: an HTTP/1.1 connection reports "
          + connection.protocolVersion();
    }
    for (String name : List.of(decoder, encoder)) {
      if (pipeline.get(name) == null) {
        return "Vert.x internals changed: no \""
            + name
            + "\" in an HTTP/1.1 connection's pipeline "
            + pipeline.names()
            + "; the HTTP/1.1 gate cannot be installed";
      }
    }
    return null;
  }
}
