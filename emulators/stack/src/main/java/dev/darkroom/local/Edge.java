package dev.darkroom.local;

import dev.darkroom.emulators.LoopbackPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public port of the local stack, on 127.0.0.1, doing what the external HTTPS load balancer
 * does in the cloud: {@code /ws} and {@code /api/ws} to the realtime gateway, everything else to
 * the api function, unchanged (status, headers, bodies, redirects; CORS preflights and the api's
 * {@code Access-Control-*} and {@code Vary} headers too). HTTP goes through Jetty's
 * reverse proxy; a WebSocket upgrade cannot, so the edge accepts it itself and relays its frames
 * to a socket of its own to the gateway ({@link WebSocketRelay}).
 *
 * <p>Before the api, {@code GET /} and {@code /console/...} are the console's files ({@link ConsoleFiles}).
 */
final class Edge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Edge.class);
  static final List<String> WS_PATHS = List.of("/ws", "/api/ws");

  private final Server server;
  private final ServerConnector connector;

  private Edge(int port, int apiPort, int gatewayPort, ConsoleFiles.Settings console) {
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost(LoopbackPorts.HOST);
    connector.setPort(port);
    server.addConnector(connector);
    HttpClient toGateway = HttpClient.newHttpClient();
    WebSocketUpgradeHandler webSockets = WebSocketUpgradeHandler.from(server, container -> {
      container.setIdleTimeout(Duration.ofHours(1));
      for (String path : WS_PATHS) {
        container.addMapping(path, (request, response, callback) -> {
          String query = request.getHttpURI().getQuery();
          URI gateway = URI.create("ws://" + LoopbackPorts.HOST + ":" + gatewayPort + path + (query == null ? "" : "?" + query));
          java.net.http.WebSocket.Builder builder = toGateway.newWebSocketBuilder();
          // The credentials, and the page's origin, which the gateway checks (PageOrigins) as the browser sent it.
          for (String relayed : List.of("Authorization", "X-API-Key", "Origin")) {
            String value = request.getHeaders().get(relayed);
            if (value != null) {
              builder.header(relayed, value);
            }
          }
          WebSocketRelay relay = new WebSocketRelay(builder, gateway);
          java.util.OptionalInt refused = relay.awaitGateway(Duration.ofSeconds(60));
          if (refused.isPresent()) {
            org.eclipse.jetty.server.Response.writeError(request, response, callback, refused.getAsInt());
            return null;
          }
          return relay;
        });
      }
    });
    webSockets.setHandler(new ConsoleFiles(ConsoleFiles.defaultDir(), console, new ToApi(apiPort)));
    server.setHandler(webSockets);
  }

  /**
   * Every other request to the api function, with Cloud Run's default request timeout (300 s):
   * a function's first request builds its clients, which on a busy machine outlasts a proxy's usual
   * few seconds, and the answer must not be a 504 the real path would never give.
   *
   * <p>A client's bad request is the client's error here as at Google's front end, never a 5xx:
   * a target the proxy cannot forward ({@code %zz}, a raw backslash, {@code OPTIONS *}) is a 400,
   * {@code CONNECT} a 405, a body that breaks off or is badly chunked a 400; and when the api
   * answers a 4xx before it has read the whole body (a {@code 413}) and closes, that answer is what
   * the client gets, not the 502 the failed upload would otherwise turn it into.
   */
  private static final class ToApi extends ProxyHandler.Reverse {
    private static final long REQUEST_TIMEOUT_SECONDS = 300;
    private static final int REQUEST_HEAD_BUFFER_BYTES = 32 * 1024;

    ToApi(int apiPort) {
      super(request -> HttpURI.build(request.getHttpURI())
          .scheme("http").host(LoopbackPorts.HOST).port(apiPort).asImmutable());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      if (request.getMethod().equals("CONNECT")) {
        // A reverse proxy opens no tunnels.
        response.getHeaders().put("Allow", "GET, POST, OPTIONS");
        Response.writeError(request, response, callback, 405, "CONNECT is not served here");
        return true;
      }
      if (!forwardable(request)) {
        Response.writeError(request, response, callback, 400, "a request target this edge cannot forward");
        return true;
      }
      return super.handle(request, response, callback);
    }

    /** What the proxy's client takes: a {@link URI} with a host. */
    private boolean forwardable(Request request) {
      try {
        return rewriteHttpURI(request).toURI().getHost() != null;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    @Override
    protected void onServerToProxyResponseFailure(Request clientToProxy,
        org.eclipse.jetty.client.Request proxyToServer, org.eclipse.jetty.client.Response serverToProxy,
        Response proxyToClient, Callback callback, Throwable failure) {
      if (proxyToClient.isCommitted()) {
        // The client has its answer (the api's); only the rest of the exchange failed.
        super.onServerToProxyResponseFailure(clientToProxy, proxyToServer, serverToProxy, proxyToClient, callback, failure);
        return;
      }
      int status = clientErrorStatus(clientToProxy, serverToProxy);
      if (status == 0) {
        log.warn("edge: {} {} failed towards the api: {}", clientToProxy.getMethod(), clientToProxy.getHttpURI().getPath(),
            failure.toString());
        super.onServerToProxyResponseFailure(clientToProxy, proxyToServer, serverToProxy, proxyToClient, callback, failure);
        return;
      }
      // The api's headers may already be copied (its Content-Length among them): the answer is written afresh.
      proxyToClient.reset();
      Response.writeError(clientToProxy, proxyToClient, callback, status, serverToProxy != null && serverToProxy.getStatus() == status
          ? "the api answered " + status + " before it had read the whole body" : "the request body broke off or was badly framed");
    }

    /** The api's own 4xx, or 400 when the client's body failed; 0 when the failure is not the client's. */
    private static int clientErrorStatus(Request clientToProxy, org.eclipse.jetty.client.Response serverToProxy) {
      if (serverToProxy != null && serverToProxy.getStatus() >= 400 && serverToProxy.getStatus() < 500) {
        return serverToProxy.getStatus();
      }
      // A failed body stays failed: reading it again gives the failure (bad chunking, early end).
      Content.Chunk chunk = clientToProxy.read();
      if (chunk == null) {
        return 0;
      }
      boolean failed = Content.Chunk.isFailure(chunk);
      chunk.release();
      return failed ? 400 : 0;
    }

    /**
     * The proxy's client must write any head the edge accepts (Jetty's 8 KiB) with the headers it
     * adds: with its default 4 KiB buffer a long path or many headers were a 502. What the api's
     * host then finds too large it answers itself (431, 414).
     */
    @Override
    protected void configureHttpClient(org.eclipse.jetty.client.HttpClient client) {
      super.configureHttpClient(client);
      client.setIdleTimeout(REQUEST_TIMEOUT_SECONDS * 1000);
      client.setRequestBufferSize(REQUEST_HEAD_BUFFER_BYTES);
    }

    /**
     * One connection per request to the api: when the api answers without reading a body (a 413,
     * a 404 for a POST), its host closes the connection just after the answer, and a pooled
     * connection reused in that moment fails the next request with a 502. On loopback a new
     * connection costs next to nothing.
     */
    @Override
    protected void addProxyHeaders(Request clientToProxy, org.eclipse.jetty.client.Request proxyToServer) {
      super.addProxyHeaders(clientToProxy, proxyToServer);
      proxyToServer.headers(headers -> headers.put(HttpHeader.CONNECTION, "close"));
    }

    /**
     * Responses are relayed as their bytes arrive, never gathered first, so Server-Sent Events
     * ({@code GET /api/v2/jobs/{id}/events}) reach the client one by one ({@code JobsApiIT}). Such
     * a stream lasts up to 55 minutes with a comment every 15 s: it gets the idle timeout but not
     * the 300 s bound on the whole exchange, as the cloud's api function has a 60 min timeout.
     */
    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(
        Request clientToProxy, HttpURI target) {
      org.eclipse.jetty.client.Request request = super.newProxyToServerRequest(clientToProxy, target)
          .idleTimeout(REQUEST_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
      String accept = clientToProxy.getHeaders().get(HttpHeader.ACCEPT);
      boolean eventStream = accept != null && accept.contains("text/event-stream");
      return eventStream ? request : request.timeout(REQUEST_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Listens on 127.0.0.1:{@code port} when this returns; fails if the port is taken. */
  static Edge start(int port, int apiPort, int gatewayPort, ConsoleFiles.Settings console) {
    Edge edge = new Edge(port, apiPort, gatewayPort, console);
    try {
      edge.server.start();
    } catch (Exception e) {
      edge.close();
      throw new IllegalStateException("cannot serve on " + LoopbackPorts.HOST + ":" + port
          + " (is another ./darkroom up running?)", e);
    }
    return edge;
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the edge", e);
    }
  }
}
