package dev.darkroom.local;

import dev.darkroom.emulators.LoopbackPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The public port of the local stack, on 127.0.0.1, doing what the external HTTPS load balancer
 * does in the cloud: {@code /ws} and {@code /api/ws} to the realtime gateway, everything else to
 * the api function, unchanged (status, headers, bodies, redirects). HTTP goes through Jetty's
 * reverse proxy; a WebSocket upgrade cannot, so the edge accepts it itself and relays its frames
 * to a socket of its own to the gateway ({@link WebSocketRelay}).
 */
final class Edge implements AutoCloseable {
  static final List<String> WS_PATHS = List.of("/ws", "/api/ws");

  private final Server server;
  private final ServerConnector connector;

  private Edge(int port, int apiPort, int gatewayPort) {
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
          for (String credential : List.of("Authorization", "X-API-Key")) {
            String value = request.getHeaders().get(credential);
            if (value != null) {
              builder.header(credential, value);
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
    webSockets.setHandler(new ToApi(apiPort));
    server.setHandler(webSockets);
  }

  /**
   * Every other request to the api function, with Cloud Run's default request timeout (300 s):
   * a function's first request builds its clients, which on a busy machine outlasts a proxy's usual
   * few seconds, and the answer must not be a 504 the real path would never give.
   */
  private static final class ToApi extends ProxyHandler.Reverse {
    private static final long REQUEST_TIMEOUT_SECONDS = 300;

    ToApi(int apiPort) {
      super(request -> HttpURI.build(request.getHttpURI())
          .scheme("http").host(LoopbackPorts.HOST).port(apiPort).asImmutable());
    }

    @Override
    protected void configureHttpClient(org.eclipse.jetty.client.HttpClient client) {
      super.configureHttpClient(client);
      client.setIdleTimeout(REQUEST_TIMEOUT_SECONDS * 1000);
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(
        org.eclipse.jetty.server.Request clientToProxy, HttpURI target) {
      return super.newProxyToServerRequest(clientToProxy, target)
          .timeout(REQUEST_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
          .idleTimeout(REQUEST_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Listens on 127.0.0.1:{@code port} when this returns; fails if the port is taken. */
  static Edge start(int port, int apiPort, int gatewayPort) {
    Edge edge = new Edge(port, apiPort, gatewayPort);
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
