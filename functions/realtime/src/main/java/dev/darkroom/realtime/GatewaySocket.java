package dev.darkroom.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.darkroom.core.auth.Caller;
import java.time.Instant;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One client's {@code /ws} socket. Answers a first {@code feature_flags} message as ComfyUI does;
 * ignores everything else a client sends, as ComfyUI does. Public only because Jetty binds
 * listener methods through a public lookup. It holds its place among the open sockets
 * ({@link SocketAccess.Admitted#slot()}) until it closes, and is watched by the
 * {@link CredentialWatch} meanwhile.
 */
public final class GatewaySocket extends Session.Listener.AbstractAutoDemanding {
  private final Gateway gateway;
  private final SocketAccess.Admitted admitted;
  private final String userId;
  private final String clientId;
  private final CredentialWatch watch;
  private volatile SessionSink sink;
  private boolean firstMessage = true;

  GatewaySocket(Gateway gateway, SocketAccess.Admitted admitted, String clientId, CredentialWatch watch) {
    this.gateway = gateway;
    this.admitted = admitted;
    this.userId = admitted.caller().userId();
    this.clientId = clientId;
    this.watch = watch;
  }

  Caller caller() {
    return admitted.caller();
  }

  Instant authenticatedAt() {
    return admitted.authenticatedAt();
  }

  /** Closes the socket with a WebSocket close code (its close then frees its place). */
  void end(int code, String reason) {
    SessionSink open = sink;
    if (open != null) {
      open.close(code, reason);
    }
  }

  @Override
  public void onWebSocketOpen(Session session) {
    super.onWebSocketOpen(session);
    sink = new SessionSink(session);
    watch.add(this);
    gateway.open(userId, clientId, sink);
  }

  @Override
  public void onWebSocketText(String message) {
    if (!firstMessage) {
      return;
    }
    firstMessage = false;
    answerFirstMessage(message, sink);
  }

  /**
   * A client's first message: {@code feature_flags} sets what its previews look like and is answered
   * with the gateway's (server.py {@code websocket_handler}); anything else is ignored, as ComfyUI does.
   */
  static void answerFirstMessage(String message, ClientSink sink) {
    try {
      JsonNode parsed = ComfyMessages.JSON.readTree(message);
      if ("feature_flags".equals(parsed.path("type").asText())) {
        sink.previewMetadata(parsed.path("data").path("supports_preview_metadata").booleanValue());
        sink.send(ComfyMessages.JSON.writeValueAsString(ComfyMessages.featureFlags()));
      }
    } catch (JsonProcessingException e) {
      // ComfyUI ignores what it cannot parse.
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    watch.remove(this);
    admitted.slot().close();
    if (sink != null) {
      gateway.closed(userId, clientId, sink);
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    // Jetty may report an error without a close (a failed upgrade, a broken connection): free the place.
    watch.remove(this);
    admitted.slot().close();
    super.onWebSocketError(cause);
  }
}
