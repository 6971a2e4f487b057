package dev.darkroom.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A ComfyUI client's socket, as java.net.http opens it, recording every text message it receives
 * (and, in {@link #frames}, every frame in order, binary ones as {@code byte[]}).
 */
final class WebSocketRecorder implements WebSocket.Listener, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<JsonNode> messages = new CopyOnWriteArrayList<>();
  final List<Object> frames = new CopyOnWriteArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
  private final WebSocket socket;

  private WebSocketRecorder(URI uri, java.util.Map<String, String> headers) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    headers.forEach(builder::header);
    socket = builder.buildAsync(uri, this).join();
  }

  static WebSocketRecorder connect(String httpBase, String clientId) {
    return connect(httpBase, clientId, java.util.Map.of());
  }

  /** A socket opened with these headers (credentials, when the stack authenticates). */
  static WebSocketRecorder connect(String httpBase, String clientId, java.util.Map<String, String> headers) {
    return new WebSocketRecorder(URI.create(httpBase.replaceFirst("^http", "ws") + "/ws?clientId=" + clientId), headers);
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        JsonNode message = JSON.readTree(partial.toString());
        messages.add(message);
        frames.add(message);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
      partial.setLength(0);
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket ws, java.nio.ByteBuffer data, boolean last) {
    byte[] part = new byte[data.remaining()];
    data.get(part);
    binary.writeBytes(part);
    if (last) {
      frames.add(binary.toByteArray());
      binary.reset();
    }
    ws.request(1);
    return null;
  }

  List<String> types() {
    return messages.stream().map(m -> m.path("type").asText()).toList();
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
  }
}
