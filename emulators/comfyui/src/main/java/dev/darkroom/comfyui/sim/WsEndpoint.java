package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One client's socket: registers on open, answers {@code feature_flags} sent as the first message.
 * Public only because Jetty binds listener methods through a public lookup.
 */
public final class WsEndpoint extends Session.Listener.AbstractAutoDemanding {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WsEndpoint.class);

  private final String clientId;
  private final WsHub hub;
  private final ObjectMapper json;
  private final Consumer<String> onOpen;
  private final JsonNode serverFeatures;
  private boolean firstMessage = true;

  WsEndpoint(String clientId, WsHub hub, ObjectMapper json, Consumer<String> onOpen, JsonNode serverFeatures) {
    this.clientId = clientId;
    this.hub = hub;
    this.json = json;
    this.onOpen = onOpen;
    this.serverFeatures = serverFeatures;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    super.onWebSocketOpen(session);
    hub.register(clientId, session);
    onOpen.accept(clientId);
  }

  @Override
  public void onWebSocketText(String message) {
    boolean first = firstMessage;
    firstMessage = false;
    if (!first) return;
    try {
      JsonNode m = json.readTree(message);
      if ("feature_flags".equals(m.path("type").asText())) {
        hub.featureFlags(clientId, m.path("data"));
        hub.send("feature_flags", serverFeatures, clientId);
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // ComfyUI ignores messages it cannot parse.
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    Session s = getSession();
    if (s != null) hub.unregister(clientId, s);
  }

  /**
   * A client that goes away without a close frame (an abort, a killed process) is ordinary for a
   * server: forget the socket, as ComfyUI does, without a warning per client.
   */
  @Override
  public void onWebSocketError(Throwable cause) {
    log.debug("socket of client {} failed: {}", clientId, cause.toString());
    Session s = getSession();
    if (s != null) hub.unregister(clientId, s);
  }

  static ObjectNode statusData(ObjectMapper json, int queueRemaining) {
    ObjectNode data = json.createObjectNode();
    data.putObject("status").putObject("exec_info").put("queue_remaining", queueRemaining);
    return data;
  }
}
