package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side, on the Vert.x 4 that fabric8's mock server is built on: records every request,
 * applies injected faults, serves discovery and OpenAPI, hands resource requests to {@link
 * ApiResources} on a worker thread, converts answers to Tables for kubectl, and streams watches
 * both ways clients ask for them: over a WebSocket (fabric8) or as a chunked HTTP response of
 * newline-separated events (kubectl, client-go).
 */
final class HttpFront {

  private final Vertx vertx;
  private final ApiResources resources;
  private final Discovery discovery;
  private final OpenApi openApi;
  private final Tables tables;
  private final RequestLog log;
  private final Faults faults;
  private final Kubelet kubelet;
  private final ExecutorService workers =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "testkit-apiserver");
            thread.setDaemon(true);
            return thread;
          });
  private HttpServer server;
  private final java.util.Set<io.vertx.core.http.HttpConnection> connections =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  HttpFront(
      Vertx vertx,
      ApiResources resources,
      Discovery discovery,
      OpenApi openApi,
      Tables tables,
      RequestLog log,
      Faults faults,
      Kubelet kubelet) {
    this.vertx = vertx;
    this.resources = resources;
    this.discovery = discovery;
    this.openApi = openApi;
    this.tables = tables;
    this.log = log;
    this.faults = faults;
    this.kubelet = kubelet;
  }

  /** Listens on 127.0.0.1 and the given port (0: any free one); returns the port. */
  synchronized int start(int port) {
    server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setMaxWebSocketFrameSize(64 * 1024 * 1024)
                .setMaxWebSocketMessageSize(64 * 1024 * 1024));
    server.requestHandler(this::handle);
    server.connectionHandler(
        connection -> {
          connections.add(connection);
          connection.closeHandler(v -> connections.remove(connection));
        });
    return await(server.listen().toCompletionStage().toCompletableFuture()).actualPort();
  }

  /**
   * Closes every open connection, watches included, and keeps listening: to clients that is an API
   * server restart (they reconnect to the same address), without ever giving up the port.
   */
  void dropConnections() {
    for (io.vertx.core.http.HttpConnection connection : java.util.Set.copyOf(connections)) {
      connection.close();
    }
  }

  /** Closes the listener and every connection, watches included. */
  synchronized void stop() {
    if (server != null) {
      await(server.close().toCompletionStage().toCompletableFuture());
      server = null;
    }
  }

  void shutdown() {
    stop();
    workers.shutdownNow();
  }

  private void handle(HttpServerRequest request) {
    String userAgent = request.getHeader("User-Agent");
    log.record(request.method().name(), request.path(), request.query(), userAgent);
    int injected = faults.match(request.method().name(), request.path(), userAgent);
    if (injected != 0) {
      reply(request.response(), injected, Faults.failure(injected).toStatus());
      return;
    }
    ApiPath path = ApiPath.parse(request.path(), request.query());
    if (path != null && path.isWatch() && request.method().name().equals("GET")) {
      watch(request, path);
      return;
    }
    request
        .body()
        .onSuccess(
            body ->
                workers.execute(
                    () -> {
                      try {
                        respond(request, path, body);
                      } catch (ApiException e) {
                        reply(request.response(), e.code(), e.toStatus());
                      } catch (RuntimeException e) {
                        ApiException internal =
                            new ApiException(500, "InternalError", String.valueOf(e));
                        reply(request.response(), 500, internal.toStatus());
                      }
                    }));
  }

  private void respond(HttpServerRequest request, ApiPath path, Buffer body) {
    String method = request.method().name();
    if (path == null) {
      JsonNode document =
          method.equals("GET") ? nonResource(request.path(), request.query()) : null;
      if (document == null) {
        throw new ApiException(404, "NotFound", "the server could not find the requested resource");
      }
      reply(request.response(), 200, document);
      return;
    }
    ResourceType type = resources.type(path);
    String namespace = type.namespaced() ? path.namespace() : null;
    if (type.namespaced() && namespace == null && !method.equals("GET")) {
      throw ApiException.badRequest("a namespace is required for " + type.plural());
    }
    if (path.isLog() && type.kind().equals("Pod") && method.equals("GET")) {
      replyText(request.response(), podLog(namespace, path.name()));
      return;
    }
    requireJson(method, request.getHeader("Content-Type"));
    String text = body == null ? "" : body.toString();
    boolean status = path.isStatus();
    if (path.subresource() != null && !status) {
      throw new ApiException(
          404,
          "NotFound",
          "the server could not find the requested resource (" + path.subresource() + ")");
    }
    boolean dryRun = path.isDryRun();
    JsonNode answer;
    int code = 200;
    switch (method) {
      case "GET" -> {
        if (path.name() == null) {
          answer = resources.list(type, path);
        } else {
          answer = resources.get(type, namespace, path.name());
        }
        answer = tables.maybeTable(type, answer, request.getHeader("Accept"), path);
      }
      case "POST" -> {
        requireNoName(path);
        answer = resources.create(type, namespace, Json.parseObject(text), dryRun);
        code = 201;
      }
      case "PUT" ->
          answer =
              resources.update(
                  type, namespace, required(path), Json.parseObject(text), status, dryRun);
      case "PATCH" ->
          answer =
              resources.patch(
                  type,
                  namespace,
                  required(path),
                  request.getHeader("Content-Type"),
                  text,
                  status,
                  dryRun);
      case "DELETE" -> {
        ObjectNode options = text.isBlank() ? Json.object() : Json.parseObject(text);
        String policy = path.param("propagationPolicy");
        if (policy != null) {
          options.put("propagationPolicy", policy);
        }
        // kubectl delete --dry-run=server says so in the DeleteOptions body.
        dryRun |= options.path("dryRun").toString().contains("\"All\"");
        answer =
            path.name() == null
                ? resources.deleteCollection(type, path, options, dryRun)
                : resources.delete(type, namespace, path.name(), options, dryRun);
      }
      default -> throw ApiException.methodNotAllowed(method);
    }
    reply(request.response(), code, answer);
  }

  /**
   * The container log the node keeps for the pod ({@code kubectl logs}); the whole log at once,
   * also for {@code -f}, which then ends instead of following.
   */
  private String podLog(String namespace, String name) {
    resources.get(resources.types().find("", "v1", "pods").orElseThrow(), namespace, name);
    return kubelet
        .log(namespace, name)
        .orElseThrow(
            () ->
                ApiException.badRequest(
                    "container of pod \"" + name + "\" is waiting to start: no log yet"));
  }

  /**
   * Request bodies are JSON (or YAML for apply patches): kubectl's typed commands ({@code kubectl
   * create secret}, {@code create configmap}, {@code scale}) send protobuf, which the simulation
   * does not decode. A real server that cannot read a body answers 415 too; the message says what
   * works instead.
   */
  private static void requireJson(String method, String contentType) {
    if ((method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))
        && contentType != null
        && contentType.startsWith("application/vnd.kubernetes.protobuf")) {
      throw new ApiException(
          415,
          "UnsupportedMediaType",
          "the simulated API server reads JSON request bodies only, not protobuf; render the"
              + " object on the client and apply it instead, for example: kubectl create secret"
              + " tls NAME --cert=FILE --key=FILE --dry-run=client -o yaml | kubectl apply -f -");
    }
  }

  private JsonNode nonResource(String path, String query) {
    if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/livez")) {
      return Json.MAPPER.getNodeFactory().textNode("ok");
    }
    if (path.startsWith("/openapi/")) {
      return openApi.document(path);
    }
    return discovery.document(path);
  }

  private static String required(ApiPath path) {
    if (path.name() == null) {
      throw ApiException.methodNotAllowed("PUT/PATCH on a collection");
    }
    return path.name();
  }

  private static void requireNoName(ApiPath path) {
    if (path.name() != null) {
      throw ApiException.methodNotAllowed("POST on a named resource");
    }
  }

  // ---- watches ----

  private void watch(HttpServerRequest request, ApiPath path) {
    boolean webSocket = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    String accept = request.getHeader("Accept");
    ResourceType type;
    try {
      type = resources.type(path);
    } catch (ApiException e) {
      reply(request.response(), e.code(), e.toStatus());
      return;
    }
    if (webSocket) {
      request
          .toWebSocket()
          .onSuccess(
              socket -> {
                WebSocketSink out = new WebSocketSink(socket);
                workers.execute(
                    () -> startWatch(type, path, encoded(type, path, accept, out), out));
              });
    } else {
      HttpServerResponse response = request.response();
      response.setChunked(true);
      response.putHeader("Content-Type", "application/json");
      response.setStatusCode(200);
      ChunkedSink out = new ChunkedSink(response);
      workers.execute(() -> startWatch(type, path, encoded(type, path, accept, out), out));
    }
  }

  /**
   * Starts the watch; a resourceVersion that is too old ends it at once with an ERROR event
   * carrying the 410 Status, as a real server does once the response has started.
   */
  private void startWatch(ResourceType type, ApiPath path, Watches.Sink sink, TextSink out) {
    Runnable stop;
    try {
      stop = resources.watch(type, path, sink);
    } catch (ApiException e) {
      sink.send("ERROR", e.toStatus());
      sink.close();
      return;
    }
    out.onDisconnect(stop);
    String timeout = path.param("timeoutSeconds");
    if (timeout != null && !timeout.isEmpty()) {
      vertx.setTimer(Math.max(1, Long.parseLong(timeout)) * 1000, id -> stop.run());
    }
  }

  /** Events as JSON, each object turned into a one-row Table when the client asked for Tables. */
  private Watches.Sink encoded(ResourceType type, ApiPath path, String accept, TextSink out) {
    boolean table = Tables.wanted(accept);
    return new Watches.Sink() {
      @Override
      public void send(String eventType, ObjectNode object) {
        JsonNode body =
            table && !eventType.equals("ERROR")
                ? tables.maybeTable(type, object, accept, path)
                : object;
        ObjectNode event = Json.object();
        event.put("type", eventType);
        event.set("object", body);
        out.send(Json.write(event));
      }

      @Override
      public void close() {
        out.close();
      }
    };
  }

  /** A watch connection: where encoded events go, and who hears that the client left. */
  private interface TextSink {
    void send(String text);

    void close();

    /** Runs {@code stop} when the client disconnects (at once if it already has). */
    void onDisconnect(Runnable stop);
  }

  /** A chunked HTTP response of newline-separated events (kubectl, client-go). */
  private static final class ChunkedSink implements TextSink {
    private final HttpServerResponse response;

    ChunkedSink(HttpServerResponse response) {
      this.response = response;
    }

    @Override
    public void send(String text) {
      if (!response.closed() && !response.ended()) {
        response.write(text + "\n");
      }
    }

    @Override
    public void close() {
      if (!response.closed() && !response.ended()) {
        response.end();
      }
    }

    @Override
    public void onDisconnect(Runnable stop) {
      response.closeHandler(v -> stop.run());
      if (response.closed()) {
        stop.run();
      }
    }
  }

  /** One text message per event (fabric8). */
  private static final class WebSocketSink implements TextSink {
    private final ServerWebSocket socket;

    WebSocketSink(ServerWebSocket socket) {
      this.socket = socket;
    }

    @Override
    public void send(String text) {
      if (!socket.isClosed()) {
        socket.writeTextMessage(text);
      }
    }

    @Override
    public void close() {
      if (!socket.isClosed()) {
        socket.close((short) 1000);
      }
    }

    @Override
    public void onDisconnect(Runnable stop) {
      socket.closeHandler(v -> stop.run());
      if (socket.isClosed()) {
        stop.run();
      }
    }
  }

  private static void replyText(HttpServerResponse response, String text) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(200);
    response.putHeader("Content-Type", "text/plain");
    response.end(text);
  }

  private static void reply(HttpServerResponse response, int code, JsonNode body) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(code);
    response.putHeader("Content-Type", "application/json");
    response.end(Json.write(body));
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the API server's HTTP listener failed", e);
    }
  }
}
