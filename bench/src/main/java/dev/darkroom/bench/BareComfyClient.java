package dev.darkroom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The least a client can do to run one prompt and fetch its images, per ComfyUI's protocol:
 * open {@code /ws}, post the prompt, wait for {@code executing} with {@code node: null}, read the
 * history, download every image. The baseline the runner is measured against.
 */
final class BareComfyClient {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ObjectMapper json = new ObjectMapper();
  private final String base;

  BareComfyClient(String base) {
    this.base = base;
  }

  /** @return the number of image bytes downloaded */
  long run(ObjectNode prompt) throws Exception {
    String promptId = UUID.randomUUID().toString();
    String clientId = UUID.randomUUID().toString();
    CompletableFuture<Void> done = new CompletableFuture<>();
    WebSocket socket = http.newWebSocketBuilder()
        .buildAsync(URI.create(base.replace("http://", "ws://") + "/ws?clientId=" + clientId), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              try {
                JsonNode message = json.readTree(text.toString());
                JsonNode d = message.path("data");
                if (message.path("type").asText().equals("executing") && d.path("node").isNull()
                    && d.path("prompt_id").asText().equals(promptId)) {
                  done.complete(null);
                }
              } catch (Exception e) {
                done.completeExceptionally(e);
              }
              text.setLength(0);
            }
            ws.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    try {
      ObjectNode body = json.createObjectNode();
      body.set("prompt", prompt);
      body.put("client_id", clientId);
      body.put("prompt_id", promptId);
      HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/prompt"))
          .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
          HttpResponse.BodyHandlers.ofString());
      if (posted.statusCode() != 200) {
        throw new IllegalStateException("POST /prompt answered " + posted.statusCode() + ": " + posted.body());
      }
      done.get(60, TimeUnit.SECONDS);
      JsonNode history = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/history/" + promptId)).build(),
          HttpResponse.BodyHandlers.ofString()).body()).path(promptId).path("outputs");
      long bytes = 0;
      Iterator<Map.Entry<String, JsonNode>> nodes = history.fields();
      while (nodes.hasNext()) {
        for (JsonNode image : nodes.next().getValue().path("images")) {
          String query = "filename=" + enc(image.path("filename").asText()) + "&subfolder="
              + enc(image.path("subfolder").asText()) + "&type=" + enc(image.path("type").asText());
          bytes += http.send(HttpRequest.newBuilder(URI.create(base + "/view?" + query)).build(),
              HttpResponse.BodyHandlers.ofByteArray()).body().length;
        }
      }
      if (bytes == 0) {
        throw new IllegalStateException("prompt " + promptId + " produced no image");
      }
      return bytes;
    } finally {
      socket.abort();
    }
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
