package dev.darkroom.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One client's {@code /ws} socket. Answers a first {@code feature_flags} message as ComfyUI does;
 * ignores everything else a client sends, as ComfyUI does. Public only because Jetty binds
 * listener methods through a public lookup.
 */
public final class GatewaySocket extends Session.Listener.AbstractAutoDemanding {
  private final Gateway gateway;
  private final String userId;
  private final String clientId;
  private SessionSink sink;
  private boolean firstMessage = true;

  GatewaySocket(Gateway gateway, String userId, String clientId) {
    this.gateway = gateway;
    this.userId = userId;
    this.clientId = clientId;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    super.onWebSocketOpen(session);
    sink = new SessionSink(session);
    gateway.open(userId, clientId, sink);
  }

  @Override
  public void onWebSocketText(String message) {
    if (!firstMessage) {
      return;
    }
    firstMessage = false;
    try {
      JsonNode parsed = ComfyMessages.JSON.readTree(message);
      if ("feature_flags".equals(parsed.path("type").asText())) {
        sink.send(ComfyMessages.JSON.writeValueAsString(ComfyMessages.featureFlags()));
      }
    } catch (JsonProcessingException e) {
      // ComfyUI ignores what it cannot parse.
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    if (sink != null) {
      gateway.closed(userId, clientId, sink);
    }
  }
}
