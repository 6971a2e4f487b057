package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 23's first "done when", on one local stack through the edge to the api function on the
 * Functions Framework's Jetty: {@code /free}, {@code /userdata} (write, list, read back), {@code /settings},
 * {@code /users}, {@code /extensions} and {@code /api/jobs} answer as ComfyUI does, and
 * {@code /view?...&preview=webp;90} returns a WebP of a run's output. And its second: a 20-step run
 * shows on {@code /ws} every node, several steps ending at 20/20 and binary previews, in ComfyUI's order;
 * and a workflow ending in SaveImageWebsocket delivers its image over the socket.
 */
class ComfyRoutesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalStack stack;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void startStack() {
    // 100 ms a sampler step: a 20-step run takes 2 s, long enough for several progress messages.
    stack = SharedStack.get(Duration.ofMillis(100));
  }

  private HttpResponse<byte[]> send(String method, String path, String body) throws Exception {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body);
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).method(method, publisher).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static JsonNode json(HttpResponse<byte[]> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void theServerRoutesAnswerAsComfyUiDoes() throws Exception {
    HttpResponse<byte[]> freed = send("POST", "/api/free", "{\"unload_models\":true,\"free_memory\":true}");
    assertThat(freed.statusCode()).isEqualTo(200);
    assertThat(freed.body()).isEmpty();
    assertThat(json(send("GET", "/api/extensions", null))).isEmpty();
    assertThat(json(send("POST", "/api/users", "{\"username\":\"x\"}")).has("error")).isTrue();

    // The user data: written, listed (v1 and v2), read back, moved; the settings kept in comfy.settings.json.
    HttpResponse<byte[]> written = send("POST", "/api/userdata/workflows/first.json?full_info=true", "{\"nodes\":[]}");
    assertThat(written.statusCode()).as(text(written)).isEqualTo(200);
    assertThat(json(written).get("path").asText()).isEqualTo("workflows/first.json");
    assertThat(send("POST", "/api/userdata/workflows/first.json?overwrite=false", "{}").statusCode()).isEqualTo(409);
    assertThat(json(send("GET", "/api/userdata?dir=workflows", null)).get(0).asText()).isEqualTo("first.json");
    assertThat(json(send("GET", "/api/v2/userdata", null)).get(0).get("type").asText()).isEqualTo("directory");
    assertThat(text(send("GET", "/api/userdata/workflows/first.json", null))).isEqualTo("{\"nodes\":[]}");
    assertThat(json(send("POST", "/api/userdata/workflows%20old.json", "{}")).asText()).isEqualTo("workflows old.json");
    // The framework's Jetty refuses an encoded slash before the function runs (documented in functions/api/README.md).
    assertThat(send("GET", "/api/userdata/workflows%2Ffirst.json", null).statusCode()).isEqualTo(400);
    assertThat(send("GET", "/api/userdata?dir=..", null).statusCode()).isEqualTo(403);
    assertThat(json(send("POST", "/api/userdata/workflows/first.json/move/workflows/second.json", null)).asText())
        .isEqualTo("workflows/second.json");
    assertThat(send("DELETE", "/api/userdata/workflows/second.json", null).statusCode()).isEqualTo(204);

    assertThat(send("POST", "/api/settings/Comfy.Theme", "\"dark\"").statusCode()).isEqualTo(200);
    assertThat(send("POST", "/api/settings", "{\"Comfy.Locale\":\"en\"}").statusCode()).isEqualTo(200);
    assertThat(json(send("GET", "/api/settings", null)))
        .isEqualTo(JSON.readTree("{\"Comfy.Theme\":\"dark\",\"Comfy.Locale\":\"en\"}"));
    assertThat(json(send("GET", "/api/settings/Comfy.Theme", null)).asText()).isEqualTo("dark");
    assertThat(json(send("GET", "/api/users", null)))
        .isEqualTo(JSON.readTree("{\"storage\":\"server\",\"migrated\":true}"));
  }

  @Test
  void aFinishedRunIsInTheJobsApiAndItsImagePreviewsAsWebp() throws Exception {
    String workflow;
    try (InputStream in = getClass().getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    HttpResponse<byte[]> posted = send("POST", "/prompt", "{\"prompt\":" + workflow + "}");
    assertThat(posted.statusCode()).as(text(posted)).isEqualTo(200);
    String promptId = json(posted).get("prompt_id").asText();
    JsonNode job = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> json(send("GET", "/api/jobs/" + promptId, null)), j -> j.path("status").asText().equals("completed"));
    JsonNode image = job.at("/outputs/9/images/0");
    assertThat(job.at("/workflow/prompt/9/class_type").asText()).isEqualTo("SaveImage");
    assertThat(job.get("preview_output").get("filename").asText()).isEqualTo(image.get("filename").asText());

    JsonNode listing = json(send("GET", "/api/jobs?status=completed&limit=10", null));
    assertThat(listing.path("jobs")).extracting(j -> j.get("id").asText()).contains(promptId);
    assertThat(listing.at("/pagination/limit").asInt()).isEqualTo(10);
    assertThat(json(send("GET", "/api/jobs?sort_by=name", null)).get("error").asText())
        .isEqualTo("sort_by must be 'created_at' or 'execution_duration'");
    assertThat(json(send("POST", "/api/jobs/" + promptId + "/cancel", null)).get("cancelled").asBoolean()).isFalse();

    String view = "/api/view?filename=" + image.get("filename").asText() + "&subfolder=" + image.get("subfolder").asText()
        + "&type=output";
    HttpResponse<byte[]> webp = send("GET", view + "&preview=webp;90", null);
    assertThat(webp.statusCode()).as(text(webp)).isEqualTo(200);
    assertThat(webp.headers().firstValue("Content-Type")).hasValue("image/webp");
    assertThat(new String(webp.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    assertThat(new String(webp.body(), 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WEBP");
    HttpResponse<byte[]> jpeg = send("GET", view + "&preview=jpeg;85", null);
    assertThat(jpeg.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(send("GET", view + "&channel=rgb", null).headers().firstValue("Content-Type")).hasValue("image/png");
  }

  @Test
  void a20StepRunShowsEveryNodeStepAndPreviewAndSaveImageWebsocketItsImagesOnTheSocket() throws Exception {
    String workflow;
    try (InputStream in = getClass().getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String clientId = "live-" + System.nanoTime();
    try (WebSocketRecorder socket = WebSocketRecorder.connect(stack.apiUrl(), clientId)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> socket.types().contains("status"));
      HttpResponse<byte[]> posted = send("POST", "/prompt", "{\"prompt\":" + workflow + ",\"client_id\":\"" + clientId + "\"}");
      assertThat(posted.statusCode()).as(text(posted)).isEqualTo(200);
      String promptId = json(posted).get("prompt_id").asText();
      await().atMost(Duration.ofSeconds(25)).until(() -> socket.messages.stream().anyMatch(m ->
          m.path("type").asText().equals("executing") && m.at("/data/node").isNull()
              && m.at("/data/prompt_id").asText().equals(promptId)));

      java.util.List<String> executing = new java.util.ArrayList<>();
      java.util.List<Integer> steps = new java.util.ArrayList<>();
      java.util.List<String> order = new java.util.ArrayList<>();
      int previews = 0;
      for (Object frame : socket.frames) {
        if (frame instanceof byte[] bytes) {
          java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(bytes);
          assertThat(header.getInt()).as("PREVIEW_IMAGE").isEqualTo(1);
          assertThat(header.getInt()).as("JPEG").isEqualTo(1);
          assertThat(bytes[8] & 0xff).isEqualTo(0xff);
          previews++;
          order.add("preview");
          continue;
        }
        JsonNode message = (JsonNode) frame;
        String type = message.path("type").asText();
        if (!message.at("/data/prompt_id").asText().equals(promptId)) {
          continue; // status
        }
        order.add(type);
        if (type.equals("executing") && !message.at("/data/node").isNull()) {
          executing.add(message.at("/data/node").asText());
        }
        if (type.equals("progress")) {
          assertThat(message.at("/data/node").asText()).isEqualTo("3");
          assertThat(message.at("/data/max").asInt()).isEqualTo(20);
          steps.add(message.at("/data/value").asInt());
        }
      }
      // Every node once, in the engine's order (its dependencies first, as ComfyUI's execution list).
      assertThat(executing).containsExactly("4", "6", "7", "5", "3", "8", "9");
      assertThat(steps).hasSizeGreaterThanOrEqualTo(3).isSorted().doesNotHaveDuplicates().endsWith(20);
      assertThat(previews).isPositive();
      assertThat(order.subList(0, 2)).containsExactly("execution_start", "execution_cached");
      assertThat(order).contains("progress_state");
      assertThat(order).containsOnlyOnce("execution_start", "execution_cached", "execution_success");
      assertThat(order.indexOf("preview")).isGreaterThan(order.indexOf("progress"));
      assertThat(order.lastIndexOf("preview")).isLessThan(order.indexOf("execution_success"));
      assertThat(order.subList(order.size() - 3, order.size()))
          .containsExactly("executed", "execution_success", "executing");

      // As ComfyUI's script_examples/websockets_api_example_ws_images.py: the images of a
      // SaveImageWebsocket node are the binary frames between its executing and the end.
      JsonNode prompt = JSON.readTree(workflow);
      ((com.fasterxml.jackson.databind.node.ObjectNode) prompt.get("3").get("inputs")).put("steps", 4).put("seed", 5);
      ((com.fasterxml.jackson.databind.node.ObjectNode) prompt).remove("9");
      ((com.fasterxml.jackson.databind.node.ObjectNode) prompt).putObject("save_image_websocket_node")
          .put("class_type", "SaveImageWebsocket").putObject("inputs").putArray("images").add("8").add(0);
      int before = socket.frames.size();
      HttpResponse<byte[]> socketSave = send("POST", "/prompt", "{\"prompt\":" + prompt + ",\"client_id\":\"" + clientId + "\"}");
      assertThat(socketSave.statusCode()).as(text(socketSave)).isEqualTo(200);
      String socketSaveId = json(socketSave).get("prompt_id").asText();
      await().atMost(Duration.ofSeconds(20)).until(() -> socket.messages.stream().anyMatch(m ->
          m.path("type").asText().equals("executing") && m.at("/data/node").isNull()
              && m.at("/data/prompt_id").asText().equals(socketSaveId)));
      String current = null;
      java.util.List<byte[]> images = new java.util.ArrayList<>();
      for (Object frame : socket.frames.subList(before, socket.frames.size())) {
        if (frame instanceof JsonNode message && message.path("type").asText().equals("executing")
            && message.at("/data/prompt_id").asText().equals(socketSaveId)) {
          current = message.at("/data/node").isNull() ? null : message.at("/data/node").asText();
        } else if (frame instanceof byte[] bytes && "save_image_websocket_node".equals(current)) {
          images.add(java.util.Arrays.copyOfRange(bytes, 8, bytes.length));
          assertThat(java.nio.ByteBuffer.wrap(bytes).getInt(4)).as("PNG").isEqualTo(2);
        }
      }
      assertThat(images).hasSize(1);
      java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(images.get(0)));
      assertThat(image.getWidth()).isEqualTo(512);
      assertThat(image.getHeight()).isEqualTo(512);
    }
  }
}
