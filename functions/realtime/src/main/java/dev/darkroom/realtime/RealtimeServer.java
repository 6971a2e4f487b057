package dev.darkroom.realtime;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import dev.darkroom.core.usecase.ApiKeys;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.usecase.Authenticator;
import dev.darkroom.core.auth.Caller;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The gateway's HTTP server: WebSocket upgrades on {@code /ws} and {@code /api/ws}, as ComfyUI
 * serves them; every other request is 404 (the API serves those). An upgrade carries the same
 * credential as an API call ({@code Authorization: Bearer …} or {@code X-API-Key}), or, since a
 * browser cannot set headers on a WebSocket, a Firebase ID token in {@code ?token=…}: only an ID
 * token (it expires within the hour), never an API key, because URLs end up in request logs. Without
 * a valid credential the upgrade is refused with 401 (503 when Firebase cannot be asked) and no
 * socket opens. A socket sees only its user's jobs.
 */
public final class RealtimeServer implements AutoCloseable {
  static final List<String> PATHS = List.of("/ws", "/api/ws");

  private final Server server;
  private final ServerConnector connector;

  private RealtimeServer(String host, int port, Gateway gateway, Authenticator authenticator) {
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
      // ComfyUI never times a socket out; a client may wait long for a queued job.
      container.setIdleTimeout(Duration.ofHours(1));
      for (String path : PATHS) {
        container.addMapping(path, (request, response, callback) -> {
          Caller caller;
          try {
            caller = authenticator.authenticate(authorization(request), request.getHeaders().get("X-API-Key"));
          } catch (AuthFailure failure) {
            int status = failure.reason() == AuthFailure.Reason.UNAVAILABLE ? 503 : 401;
            Response.writeError(request, response, callback, status, failure.getMessage());
            return null;
          }
          return new GatewaySocket(gateway, caller.userId(), clientIdOf(request));
        });
      }
    }));
  }

  static RealtimeServer start(String host, int port, Gateway gateway, Authenticator authenticator) {
    RealtimeServer realtime = new RealtimeServer(host, port, gateway, authenticator);
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

  /** The Authorization header, else {@code ?token=} as a bearer ID token. */
  private static String authorization(Request request) throws AuthFailure {
    String header = request.getHeaders().get("Authorization");
    String token = Request.extractQueryParameters(request).getValue("token");
    if (header != null || token == null) {
      return header;
    }
    if (ApiKeys.looksLikeKey(token)) {
      throw new AuthFailure(AuthFailure.Reason.INVALID,
          "an API key goes in the Authorization or X-API-Key header, never in a URL: URLs are logged");
    }
    return "Bearer " + token;
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
