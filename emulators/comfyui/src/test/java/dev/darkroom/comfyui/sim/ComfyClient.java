package dev.darkroom.comfyui.sim;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A ComfyUI client over java.net.http, as a runner would use the protocol. */
final class ComfyClient implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  final String base;
  final String clientId;
  final HttpClient http = HttpClient.newHttpClient();
  final List<JsonNode> messages = new CopyOnWriteArrayList<>();
  /** Every frame in arrival order: text ones parsed ({@link JsonNode}), binary ones as {@code byte[]}. */
  final List<Object> frames = new CopyOnWriteArrayList<>();
  volatile boolean closed;
  private WebSocket socket;

  ComfyClient(String base, String clientId) {
    this.base = base;
    this.clientId = clientId;
  }

  /** Opens {@code /ws?clientId=} and waits for the greeting status. */
  ComfyClient connect() {
    return connect(null);
  }

  /** Opens the socket, sends {@code firstMessage} (if any) at once, and waits for the greeting status. */
  ComfyClient connect(String firstMessage) {
    StringBuilder partial = new StringBuilder();
    socket = http.newWebSocketBuilder()
        .buildAsync(URI.create(base.replace("http", "ws") + "/ws?clientId=" + clientId), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              try {
                JsonNode message = JSON.readTree(partial.toString());
                messages.add(message);
                frames.add(message);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              partial.setLength(0);
            }
            ws.request(1);
            return null;
          }

          private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

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

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed = true;
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            closed = true;
          }
        })
        .join();
    if (firstMessage != null) {
      socket.sendText(firstMessage, true).join();
    }
    await().atMost(TIMEOUT).until(() -> messages.stream().anyMatch(m -> m.path("data").has("sid")));
    return this;
  }

  static ObjectNode workflow(String name) {
    try (InputStream in = ComfyClient.class.getResourceAsStream("/workflows/" + name)) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Reply(int status, String body, byte[] bytes) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Reply post(String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply post(String path, JsonNode body) {
    return post(path, body.toString());
  }

  Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> r = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** POSTs a prompt for this client with the given id; returns the reply. */
  Reply queue(ObjectNode prompt, String promptId) {
    ObjectNode body = JSON.createObjectNode();
    body.set("prompt", prompt);
    body.put("client_id", clientId);
    body.put("prompt_id", promptId);
    body.putObject("extra_data").putObject("extra_pnginfo").putObject("workflow").put("note", "from a test");
    return post("/prompt", body);
  }

  /** Waits for {@code executing {node: null, prompt_id}}. */
  void awaitDone(String promptId) {
    await().atMost(TIMEOUT).until(() -> messages.stream().anyMatch(m -> isDone(m, promptId)));
  }

  static boolean isDone(JsonNode m, String promptId) {
    return m.path("type").asText().equals("executing") && m.path("data").path("node").isNull()
        && m.path("data").path("prompt_id").asText().equals(promptId);
  }

  List<JsonNode> of(String type) {
    return messages.stream().filter(m -> m.path("type").asText().equals(type)).toList();
  }

  @Override
  public void close() {
    if (socket != null) socket.abort();
  }
}
