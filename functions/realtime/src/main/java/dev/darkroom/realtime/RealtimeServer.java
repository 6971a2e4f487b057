package dev.darkroom.realtime;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The gateway's HTTP server: WebSocket upgrades on {@code /ws} and {@code /api/ws}, as ComfyUI
 * serves them; every other request is 404 (the API serves those). Before the upgrade, an upgrade
 * from a web page that may not use Darkroom is refused 403 ({@link PageOrigins}), then
 * {@link SocketAccess} decides who the socket is for and whether they may open another: the same
 * credential as an API call in a header, or a single-use ticket in {@code ?ticket=} (a browser
 * cannot set headers on a WebSocket); never a reusable credential in the URL, since URLs end up in
 * request logs. Refusals are answered before any socket opens: 401 (503 when Firebase cannot be
 * asked), 429 over the socket limits. While open, a socket is rechecked by the
 * {@link CredentialWatch}. A socket sees only its user's jobs.
 */
public final class RealtimeServer implements AutoCloseable {
  static final List<String> PATHS = List.of("/ws", "/api/ws");

  private final Server server;
  private final ServerConnector connector;
  private final CredentialWatch watch;

  private RealtimeServer(String host, int port, Gateway gateway, PageOrigins pages, SocketAccess access) {
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    watch = new CredentialWatch(access.standing());
    server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
      // ComfyUI never times a socket out; a client may wait long for a queued job.
      container.setIdleTimeout(Duration.ofHours(1));
      for (String path : PATHS) {
        container.addMapping(path, (request, response, callback) -> {
          // Before any credential is looked at: a page that may not open a socket spends no ticket.
          if (!pages.admits(request.getHeaders().get(HttpHeader.ORIGIN), request.getHeaders().get(HttpHeader.HOST))) {
            Response.writeError(request, response, callback, 403,
                "pages of this origin may not open sockets here (ALLOWED_ORIGINS)");
            return null;
          }
          Fields query = Request.extractQueryParameters(request);
          SocketAccess.Admitted admitted;
          try {
            admitted = access.admit(request.getHeaders().get("Authorization"), request.getHeaders().get("X-API-Key"),
                query.getValue("ticket"), query.getValue("token"));
          } catch (SocketAccess.Refused refused) {
            if (refused.retryAfter != null) {
              response.getHeaders().put("Retry-After", refused.retryAfter);
            }
            Response.writeError(request, response, callback, refused.status, refused.getMessage());
            return null;
          }
          return new GatewaySocket(gateway, admitted, clientIdOf(request), watch);
        });
      }
    }));
  }

  static RealtimeServer start(String host, int port, Gateway gateway, PageOrigins pages, SocketAccess access) {
    RealtimeServer realtime = new RealtimeServer(host, port, gateway, pages, access);
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
    watch.close();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the realtime gateway", e);
    }
  }
}
