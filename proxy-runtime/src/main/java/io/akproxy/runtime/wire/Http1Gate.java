package io.akproxy.runtime.wire;

import io.akproxy.config.Limits;
import io.akproxy.config.WebSocketSettings;
import io.akproxy.runtime.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Stands between the TLS (or TCP) layer and Vert.x's HTTP/1.1 decoder on one client connection, so
 * that only well-framed requests reach the proxy (see {@link RequestFraming}). It also keeps the
 * deadline for a whole request head ({@code limits.headerTimeoutSeconds}, slowloris: bytes that
 * keep trickling in do not extend it), answers the first request of a connection over {@code
 * limits.maxConnections} with 503, and once a WebSocket upgrade succeeded, holds both directions of
 * the tunnel to {@code websocket.maxFrameBytes} and {@code maxMessageBytes} (see {@link
 * WebSocketFrames}).
 *
 * <p>A refused request never reaches Vert.x as bytes: the gate hands the decoder's successor a
 * stand-in request whose decoder result carries the {@link RequestRejected} verdict, so the
 * listener's invalid-request handler answers it in order, with HSTS, logged and counted, and closes
 * the connection. A refusal in the middle of a body, where no answer can be framed any more, closes
 * the connection at once.
 */
public final class Http1Gate extends ChannelDuplexHandler {

  private static final Logger LOG = Logger.getLogger("akproxy");

  static final String NAME = "akproxy-gate";
  static final String RESPONSES = "akproxy-responses";

  /** What a client may send, after asking for an upgrade, before the answer arrives. */
  static final int MAX_HELD_BYTES = 64 * 1024;

  private final RequestFraming framing;
  private final long headTimeoutMillis;
  private final WebSocketSettings webSocket;
  private final boolean overCapacity;

  private ChannelHandlerContext context;
  private ByteBuf pending;
  private ScheduledFuture<?> deadline;
  private boolean received;
  private long headsPassed;
  private long finalResponses;
  private WebSocketFrames fromClient;
  private WebSocketFrames toClient;
  private boolean closing;

  Http1Gate(Limits limits, WebSocketSettings webSocket, boolean overCapacity) {
    this.framing = new RequestFraming(limits);
    this.headTimeoutMillis = TimeUnit.SECONDS.toMillis(limits.headerTimeoutSeconds());
    this.webSocket = webSocket;
    this.overCapacity = overCapacity;
  }

  /**
   * Puts a gate on a freshly accepted connection. HTTP/2 (as negotiated through ALPN) frames its
   * own messages and has no gate; over capacity it is sent a GOAWAY and closed. An HTTP/1.x
   * connection whose pipeline lacks Vert.x's codec (internals moved under the start-up check) is
   * closed, never served ungated.
   *
   * @param limits the request-head limits and deadline
   * @param webSocket the frame and message limits, should this connection become a tunnel
   * @param overCapacity the listener already holds {@code limits.maxConnections} connections
   */
  public static void install(
      HttpConnection connection, Limits limits, WebSocketSettings webSocket, boolean overCapacity) {
    if (connection.protocolVersion() == io.vertx.core.http.HttpVersion.HTTP_2) {
      if (overCapacity) {
        connection.close();
      }
      return;
    }
    ChannelPipeline pipeline = VertxInternals.pipeline(connection);
    if (!VertxInternals.hasHttp1Codec(pipeline)) {
      LOG.severe(
          "closing an HTTP/1.x connection: Vert.x's codec is not in its pipeline "
              + pipeline.names()
              + ", so the HTTP/1.1 gate cannot stand in front of it");
      connection.close();
      return;
    }
    Http1Gate gate = new Http1Gate(limits, webSocket, overCapacity);
    pipeline.addBefore(VertxInternals.HTTP1_DECODER, NAME, gate);
    pipeline.addAfter(VertxInternals.HTTP1_ENCODER, RESPONSES, gate.new ResponseWatcher());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
    // The first head's deadline runs from the moment the connection is ready, as nginx's
    // client_header_timeout does: a client that connects and says nothing is let go.
    startDeadline();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelDeadline();
    releasePending();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    releasePending();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (closing) {
      in.release();
      return;
    }
    if (fromClient != null) {
      webSocketIn(in);
      return;
    }
    received = true;
    append(in);
    // The first byte of the next head: its deadline starts now, and later bytes do not move it.
    armDeadline();
    decide();
  }

  /** Passes on whatever the framing accepts, and acts on its refusals. */
  private void decide() {
    while (pending != null && pending.isReadable() && !closing) {
      RequestFraming.Verdict verdict = framing.next(pending);
      if (verdict == RequestFraming.Verdict.PASS) {
        if (framing.headPassed() && overCapacity) {
          standIn(new RequestRejected(503, "too many connections, try again"), framing.head());
          return;
        }
        ByteBuf accepted = pending.readRetainedSlice(framing.passLength());
        if (framing.headPassed()) {
          headsPassed++;
          cancelDeadline();
        }
        context.fireChannelRead(accepted);
        if (pending.isReadable()) {
          armDeadline();
        }
      } else if (verdict == RequestFraming.Verdict.REJECT) {
        refuse();
        return;
      } else {
        if (verdict == RequestFraming.Verdict.HOLD && pending.readableBytes() > MAX_HELD_BYTES) {
          closeNow();
          return;
        }
        break;
      }
    }
    if (pending != null && !pending.isReadable()) {
      releasePending();
    } else if (pending != null && pending.capacity() > 2 * pending.readableBytes() + 4096) {
      // A partial head may wait here up to the deadline: keep its bytes, not the whole read
      // buffer they arrived in, so thousands of slow clients cost what they sent.
      ByteBuf compact = context.alloc().buffer(pending.readableBytes());
      compact.writeBytes(pending);
      pending.release();
      pending = compact;
    }
  }

  private void refuse() {
    if (framing.refusedInBody()) {
      closeNow();
    } else {
      standIn(framing.rejection(), framing.refusedHead());
    }
  }

  /**
   * Hands Vert.x a stand-in for the refused request, failed with the verdict, so its
   * invalid-request handler answers it; nothing more is read from this connection.
   */
  private void standIn(RequestRejected rejection, RequestHead head) {
    closing = true;
    framing.close();
    cancelDeadline();
    releasePending();
    DefaultHttpRequest request =
        new DefaultHttpRequest(
            HttpVersion.HTTP_1_1,
            head == null ? HttpMethod.GET : HttpMethod.valueOf(head.method()),
            head == null ? "/" : head.target(),
            new DefaultHttpHeaders());
    request.setDecoderResult(DecoderResult.failure(rejection));
    context.fireChannelRead(request);
  }

  private void closeNow() {
    closing = true;
    framing.close();
    cancelDeadline();
    releasePending();
    context.close();
  }

  /** Starts the head deadline if a head is being read and none runs yet. */
  private void armDeadline() {
    if (deadline == null && framing.readingHead() && !closing) {
      startDeadline();
    }
  }

  private void startDeadline() {
    cancelDeadline();
    deadline =
        context.executor().schedule(this::headTimedOut, headTimeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void headTimedOut() {
    deadline = null;
    if (closing || !framing.readingHead()) {
      return;
    }
    if (!received) {
      closeNow();
      return;
    }
    standIn(
        new RequestRejected(
            408, "request head not complete within " + headTimeoutMillis / 1000 + " s"),
        null);
    // Outside a read: Vert.x flushes what a read produced only at the read's end, so without this
    // the 408 would wait for bytes from a client that has gone silent.
    context.fireChannelReadComplete();
  }

  /** Adds what arrived to what is still undecided, copying only when something is left over. */
  private void append(ByteBuf in) {
    if (pending == null) {
      pending = in;
      return;
    }
    if (pending.refCnt() > 1 || pending.maxWritableBytes() < in.readableBytes()) {
      ByteBuf merged =
          context.alloc().buffer(Math.max(256, 2 * (pending.readableBytes() + in.readableBytes())));
      merged.writeBytes(pending);
      pending.release();
      pending = merged;
    }
    pending.writeBytes(in);
    in.release();
  }

  private void releasePending() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  /** Called once the answer to the request that asked for an upgrade has been written. */
  private void upgradeAnswered(boolean switched) {
    framing.upgradeAnswered(switched);
    if (switched) {
      fromClient =
          new WebSocketFrames(true, webSocket.maxFrameBytes(), webSocket.maxMessageBytes());
      toClient = new WebSocketFrames(false, webSocket.maxFrameBytes(), webSocket.maxMessageBytes());
    }
    // Out of the response write that told us, so Vert.x finishes that response first.
    context
        .executor()
        .execute(
            () -> {
              if (closing || pending == null) {
                return;
              }
              if (fromClient != null) {
                ByteBuf held = pending;
                pending = null;
                webSocketIn(held);
              } else {
                armDeadline();
                decide();
              }
            });
  }

  private void webSocketIn(ByteBuf in) {
    int from = in.readerIndex();
    int cut = fromClient.scan(in, from, in.writerIndex());
    if (cut < 0) {
      context.fireChannelRead(in);
      return;
    }
    if (cut > from) {
      context.fireChannelRead(in.retainedSlice(from, cut - from));
    }
    in.release();
    closeWebSocket(fromClient, toClient.atFrameBoundary());
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (toClient == null || !(msg instanceof ByteBuf out)) {
      ctx.write(msg, promise);
      return;
    }
    if (closing) {
      ReferenceCountUtil.release(msg);
      promise.trySuccess();
      return;
    }
    int from = out.readerIndex();
    int cut = toClient.scan(out, from, out.writerIndex());
    if (cut < 0) {
      ctx.write(out, promise);
      return;
    }
    ctx.write(out.retainedSlice(from, cut - from), promise);
    out.release();
    closeWebSocket(toClient, toClient.violationAtFrameStart());
  }

  /**
   * Ends a tunnel whose frames broke a limit: a close frame with the reason to the client when it
   * would not cut into another frame, then the connection (the tunnel then closes authentik's).
   */
  private void closeWebSocket(WebSocketFrames offender, boolean clientAtFrameBoundary) {
    closing = true;
    releasePending();
    if (clientAtFrameBoundary) {
      context
          .writeAndFlush(WebSocketFrames.closeFrame(offender.closeCode(), offender.closeReason()))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      context.close();
    }
  }

  /**
   * Sits after the HTTP encoder and sees each response head go out, to learn the answer to a
   * request that asked for an upgrade. Responses leave in request order, so the answer to the
   * upgrade request is the final (non-1xx, or 101) response numbered like its head.
   */
  private final class ResponseWatcher extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (!(msg instanceof HttpResponse response)) {
        ctx.write(msg, promise);
        return;
      }
      int status = response.status().code();
      boolean fin = status >= 200 || status == 101;
      if (fin) {
        finalResponses++;
      }
      boolean answersUpgrade = fin && framing.awaitingUpgrade() && finalResponses == headsPassed;
      ctx.write(msg, promise);
      if (answersUpgrade) {
        upgradeAnswered(status == 101);
      }
    }
  }
}
