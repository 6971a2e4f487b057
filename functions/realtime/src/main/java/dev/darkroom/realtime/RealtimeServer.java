package dev.darkroom.realtime;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The gateway's HTTP server: WebSocket upgrades on {@code /ws} and {@code /api/ws}, as ComfyUI
 * serves them; every other request is 404 (the API serves those).
 */
public final class RealtimeServer implements AutoCloseable {
  static final List<String> PATHS = List.of("/ws", "/api/ws");

  private final Server server;
  private final ServerConnector connector;

  private RealtimeServer(String host, int port, Gateway gateway, String userId) {
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
      // ComfyUI never times a socket out; a client may wait long for a queued job.
      container.setIdleTimeout(Duration.ofHours(1));
      for (String path : PATHS) {
        container.addMapping(path, (request, response, callback) ->
            new GatewaySocket(gateway, userId, clientIdOf(request)));
      }
    }));
  }

  static RealtimeServer start(String host, int port, Gateway gateway, String userId) {
    RealtimeServer realtime = new RealtimeServer(host, port, gateway, userId);
    try {
      realtime.server.start();
    } catch (Exception e) {
      realtime.close();
      throw new IllegalStateException("the realtime gateway could not listen on " + host + ":" + port, e);
    }
    return realtime;
  }

  /** ComfyUI: the {@code clientId} query parameter, or a fresh uuid4 hex. */
  static String clientIdOf(Request request) {
    String clientId = Request.extractQueryParameters(request).getValue("clientId");
    return clientId == null || clientId.isEmpty() ? UUID.randomUUID().toString().replace("-", "") : clientId;
  }

  public int port() {
    return connector.getLocalPort();
  }

  void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the realtime gateway", e);
    }
  }
}
