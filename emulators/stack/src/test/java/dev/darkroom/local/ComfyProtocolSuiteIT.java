package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.darkroom.comfyui.sim.SimulatedComfyUI;
import dev.darkroom.core.comfy.MultipartForm;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ComfyUI's protocol, one set of requests sent both to the simulated engine (the reference: it
 * answers as ComfyUI does) and to Darkroom's API on a local stack; the answers must be the same.
 * Volatile values are normalised (see {@link #normalised}); where Darkroom deliberately differs,
 * the difference is asserted on its own, so it cannot grow unnoticed.
 */
class ComfyProtocolSuiteIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OUTPUT_CHAIN = """
      "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "dreamshaper_8.safetensors"}},
      "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
      "8": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["4", 2]}}""";

  /** Kept when a test fails: the stack's logs (functions, runner tasks) are the evidence. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dataDir;
  private static LocalStack stack;
  private static SimulatedComfyUI engine;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /** One answer, from either side. */
  private record Reply(int status, String body, HttpResponse<String> raw) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  @BeforeAll
  static void start() {
    org.slf4j.LoggerFactory.getLogger(ComfyProtocolSuiteIT.class)
        .info("protocol suite data and logs (kept if a test fails): {}", dataDir);
    engine = SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(dataDir.resolve("reference-engine"))
        .withStepTime(Duration.ofMillis(1)));
    stack = SharedStack.get();
  }

  @AfterAll
  static void stop() {
    if (engine != null) engine.close();
  }

  // Validation

  static Stream<Arguments> refusedPrompts() {
    return Stream.of(
        Arguments.of("invalid_prompt", "{\"1\": {\"inputs\": {}}}"),
        Arguments.of("invalid_prompt", "{\"1\": {\"class_type\": \"ImageResize+\", \"inputs\": {}}}"),
        Arguments.of("prompt_no_outputs", "{" + OUTPUT_CHAIN + "}"),
        Arguments.of("required_input_missing", withSave("\"filename_prefix\": \"x\"")),
        Arguments.of("bad_linked_input", withSave("\"images\": [\"8\", 0, 1], \"filename_prefix\": \"x\"")),
        Arguments.of("return_type_mismatch", withSave("\"images\": [\"5\", 0], \"filename_prefix\": \"x\"")),
        Arguments.of("exception_during_validation", withSave("\"images\": [\"77\", 0], \"filename_prefix\": \"x\"")),
        Arguments.of("exception_during_inner_validation", withSave("\"images\": [\"8\", 0], \"filename_prefix\": \"x\"")
            .replace("\"samples\": [\"5\", 0]", "\"samples\": [\"77\", 0]")),
        Arguments.of("invalid_input_type", withSave("\"images\": [\"8\", 0], \"filename_prefix\": \"x\"")
            .replace("\"width\": 64", "\"width\": \"wide\"")),
        Arguments.of("value_smaller_than_min", withSave("\"images\": [\"8\", 0], \"filename_prefix\": \"x\"")
            .replace("\"width\": 64", "\"width\": 1")),
        Arguments.of("value_bigger_than_max", withSave("\"images\": [\"8\", 0], \"filename_prefix\": \"x\"")
            .replace("\"width\": 64", "\"width\": 1000000")),
        Arguments.of("value_not_in_list", withSave("\"images\": [\"8\", 0], \"filename_prefix\": \"x\"")
            .replace("dreamshaper_8", "missing")),
        Arguments.of("custom_validation_failed", loadImage("never-uploaded-" + UUID.randomUUID() + ".png")));
  }

  private static String withSave(String saveInputs) {
    return "{" + OUTPUT_CHAIN + ", \"9\": {\"class_type\": \"SaveImage\", \"inputs\": {" + saveInputs + "}}}";
  }

  private static String loadImage(String name) {
    return "{\"1\": {\"class_type\": \"LoadImage\", \"inputs\": {\"image\": \"" + name + "\"}},"
        + " \"2\": {\"class_type\": \"PreviewImage\", \"inputs\": {\"images\": [\"1\", 0]}}}";
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("refusedPrompts")
  void everyValidationErrorIsReportedAsComfyUIReportsIt(String kind, String prompt) throws Exception {
    String body = "{\"prompt\": " + prompt + "}";
    Reply comfy = send(engine.baseUrl(), "POST", "/prompt", body);
    Reply darkroom = send(stack.apiUrl(), "POST", "/prompt", body);
    assertThat(comfy.status()).as(comfy.body()).isEqualTo(400);
    assertThat(darkroom.status()).isEqualTo(400);
    assertThat(darkroom.json()).isEqualTo(comfy.json());
    assertThat(comfy.body()).as("the prompt exercises the error it is named for").contains("\"" + kind + "\"");
  }

  @Test
  void aBodyWithoutPromptIsNoPromptOnBoth() throws Exception {
    Reply comfy = send(engine.baseUrl(), "POST", "/api/prompt", "{\"client_id\": \"c\"}");
    Reply darkroom = send(stack.apiUrl(), "POST", "/api/prompt", "{\"client_id\": \"c\"}");
    assertThat(darkroom.status()).isEqualTo(comfy.status()).isEqualTo(400);
    assertThat(darkroom.json()).isEqualTo(comfy.json());
  }

  @Test
  void aPartlyValidPromptIsAcceptedWithTheSameNodeErrors() throws Exception {
    String prompt = "{" + OUTPUT_CHAIN + ", \"9\": {\"class_type\": \"SaveImage\", \"inputs\": {\"images\": [\"8\", 0]}},"
        + " \"10\": {\"class_type\": \"PreviewImage\", \"inputs\": {\"images\": [\"8\", 0]}}}";
    Reply comfy = send(engine.baseUrl(), "POST", "/prompt", "{\"prompt\": " + prompt + "}");
    Reply darkroom = send(stack.apiUrl(), "POST", "/prompt", "{\"prompt\": " + prompt + "}");
    assertThat(comfy.status()).isEqualTo(200);
    assertThat(darkroom.status()).as(darkroom.body()).isEqualTo(200);
    assertThat(darkroom.json().get("node_errors")).isEqualTo(comfy.json().get("node_errors"));
    assertThat(comfy.json().at("/node_errors/9/errors/0/type").asText()).isEqualTo("required_input_missing");
    assertThat(fieldNames(darkroom.json())).containsExactlyElementsOf(fieldNames(comfy.json()));
  }

  // Lookups that find nothing, and the catalog

  @Test
  void unknownIdsAndClassesAreEmptyObjectsAndKnownClassesTheSame() throws Exception {
    for (String path : List.of("/history/" + UUID.randomUUID(), "/api/history/" + UUID.randomUUID(),
        "/object_info/NoSuchNode", "/object_info/KSampler", "/api/object_info/CheckpointLoaderSimple",
        "/object_info/SaveImage", "/models/checkpoints")) {
      Reply comfy = send(engine.baseUrl(), "GET", path, null);
      Reply darkroom = send(stack.apiUrl(), "GET", path, null);
      assertThat(darkroom.status()).as(path).isEqualTo(comfy.status()).isEqualTo(200);
      assertThat(darkroom.json()).as(path).isEqualTo(comfy.json());
    }
    assertThat(send(stack.apiUrl(), "GET", "/object_info/NoSuchNode", null).body()).isEqualTo("{}");
    assertThat(send(stack.apiUrl(), "GET", "/models/nope", null).status())
        .isEqualTo(send(engine.baseUrl(), "GET", "/models/nope", null).status()).isEqualTo(404);
    assertThat(send(stack.apiUrl(), "GET", "/no/such/route", null).status())
        .isEqualTo(send(engine.baseUrl(), "GET", "/no/such/route", null).status()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "?filename=../a.png", "?filename=/etc/passwd", "?filename=a.png&type=bogus",
      "?filename=a.png&subfolder=../..", "?filename=nope.png", "?filename=nope.png&type=input"})
  void viewRefusesInComfyUIsOrder(String query) throws Exception {
    assertThat(send(stack.apiUrl(), "GET", "/view" + query, null).status())
        .isEqualTo(send(engine.baseUrl(), "GET", "/view" + query, null).status());
  }

  // Uploads

  @Test
  void uploadsAreNamedAsComfyUINamesThemAndLoadImageSeesThem() throws Exception {
    String name = "upload-" + UUID.randomUUID() + ".png";
    byte[] first = png(1);
    for (Object[] step : new Object[][] {{first, name}, {first, name}, {png(2), name.replace(".png", " (1).png")}}) {
      Reply comfy = upload(engine.baseUrl(), name, (byte[]) step[0]);
      Reply darkroom = upload(stack.apiUrl(), name, (byte[]) step[0]);
      assertThat(darkroom.status()).as(darkroom.body()).isEqualTo(comfy.status()).isEqualTo(200);
      assertThat(darkroom.json()).isEqualTo(comfy.json());
      assertThat(comfy.json().get("name").asText()).isEqualTo(step[1]);
    }
    assertThat(upload(stack.apiUrl(), "../escape.png", first).status())
        .isEqualTo(upload(engine.baseUrl(), "../escape.png", first).status()).isEqualTo(400);

    Reply comfy = send(engine.baseUrl(), "POST", "/prompt", "{\"prompt\": " + loadImage(name) + "}");
    Reply darkroom = send(stack.apiUrl(), "POST", "/prompt", "{\"prompt\": " + loadImage(name) + "}");
    assertThat(darkroom.status()).as(darkroom.body()).isEqualTo(comfy.status()).isEqualTo(200);
    assertThat(darkroom.json().get("node_errors")).isEqualTo(comfy.json().get("node_errors"));
  }

  // Queue

  @Test
  void queueItemsHaveComfyUIsShapeAndDeletingAPendingPromptForgetsIt() throws Exception {
    String prompt = withSave("\"images\": [\"8\", 0], \"filename_prefix\": \"queue\"");
    String body = "{\"prompt\": " + prompt + ", \"client_id\": \"suite\"}";
    engine.hangNode("SaveImage");
    try {
      send(engine.baseUrl(), "POST", "/prompt", body);
      await().atMost(Duration.ofSeconds(10)).until(() -> send(engine.baseUrl(), "GET", "/queue", null).json()
          .get("queue_running").size() == 1);
      String pendingOnEngine = send(engine.baseUrl(), "POST", "/prompt", body).json().get("prompt_id").asText();
      String onDarkroom = send(stack.apiUrl(), "POST", "/prompt", body).json().get("prompt_id").asText();

      JsonNode comfyQueue = send(engine.baseUrl(), "GET", "/queue", null).json();
      JsonNode darkroomQueue = send(stack.apiUrl(), "GET", "/queue", null).json();
      assertThat(fieldNames(darkroomQueue)).containsExactlyElementsOf(fieldNames(comfyQueue));
      JsonNode comfyItem = pendingItem(comfyQueue, pendingOnEngine);
      // Dispatch goes through Pub/Sub and Eventarc and starts the runner's JVM: seconds, so still pending.
      JsonNode darkroomItem = pendingItem(darkroomQueue, onDarkroom);
      assertThat(normalisedItem(darkroomItem)).isEqualTo(normalisedItem(comfyItem));
      assertThat(send(stack.apiUrl(), "GET", "/prompt", null).json().at("/exec_info/queue_remaining").isInt()).isTrue();

      for (String[] side : new String[][] {{engine.baseUrl(), pendingOnEngine}, {stack.apiUrl(), onDarkroom}}) {
        Reply deleted = send(side[0], "POST", "/queue", "{\"delete\": [\"" + side[1] + "\"]}");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEmpty();
        assertThat(send(side[0], "GET", "/queue", null).json().get("queue_pending").toString()).doesNotContain(side[1]);
        assertThat(send(side[0], "GET", "/history/" + side[1], null).body()).isEqualTo("{}");
      }
    } finally {
      engine.clearFaults();
      send(engine.baseUrl(), "POST", "/interrupt", "");
    }
  }

  private static JsonNode pendingItem(JsonNode queue, String promptId) {
    for (JsonNode item : queue.get("queue_pending")) {
      if (item.get(1).asText().equals(promptId)) return item;
    }
    throw new AssertionError(promptId + " is not pending in " + queue);
  }

  /** {@code [number, id, prompt, extra_data, outputs]}: the number and id vary, the rest must not. */
  private static JsonNode normalisedItem(JsonNode item) {
    ArrayNode copy = (ArrayNode) item.deepCopy();
    assertThat(copy).hasSize(5);
    assertThat(copy.get(0).isNumber()).isTrue();
    copy.set(0, TextNode.valueOf("<number>"));
    copy.set(1, TextNode.valueOf("<prompt_id>"));
    return copy;
  }

  // A whole run

  @Test
  void anSd15RunLeavesTheSameHistoryEntry() throws Exception {
    String workflow;
    try (InputStream in = getClass().getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String body = "{\"prompt\": " + workflow + ", \"client_id\": \"suite\", \"extra_data\": {\"extra_pnginfo\": {\"workflow\": {}}}}";
    String comfyId = send(engine.baseUrl(), "POST", "/prompt", body).json().get("prompt_id").asText();
    String darkroomId = send(stack.apiUrl(), "POST", "/prompt", body).json().get("prompt_id").asText();
    JsonNode comfy = awaitHistory(engine.baseUrl(), comfyId);
    JsonNode darkroom = awaitHistory(stack.apiUrl(), darkroomId);

    assertThat(normalised(darkroom, darkroomId, true)).isEqualTo(normalised(comfy, comfyId, false));
    assertThat(keys(send(stack.apiUrl(), "GET", "/history?max_items=1", null).json())).containsExactly(darkroomId);

    // Deliberate difference: /view redirects to a signed URL instead of streaming the bytes.
    JsonNode image = darkroom.at("/outputs/9/images/0");
    String query = "/view?filename=" + enc(image.get("filename").asText()) + "&subfolder="
        + enc(image.get("subfolder").asText()) + "&type=output";
    Reply view = send(stack.apiUrl(), "GET", query, null);
    assertThat(view.status()).isEqualTo(302);
    assertThat(view.raw().headers().firstValue("Location")).isPresent();
    JsonNode comfyImage = comfy.at("/outputs/9/images/0");
    assertThat(send(engine.baseUrl(), "GET", "/view?filename=" + enc(comfyImage.get("filename").asText())
        + "&subfolder=" + enc(comfyImage.get("subfolder").asText()) + "&type=output", null).status()).isEqualTo(200);
  }

  private JsonNode awaitHistory(String base, String promptId) {
    return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> send(base, "GET", "/history/" + promptId, null).json().get(promptId), e -> e != null);
  }

  /**
   * What may differ between two runs of one prompt: the prompt id (keys and values), the queue
   * number, timestamps, the file counter in names ({@code _00001_}), which nodes the engine had
   * cached, and on Darkroom's side the job-id prefix of every {@code subfolder}.
   */
  static JsonNode normalised(JsonNode entry, String promptId, boolean darkroom) throws Exception {
    JsonNode copy = JSON.readTree(entry.toString().replace(promptId, "<prompt_id>"));
    ((ArrayNode) copy.get("prompt")).set(0, TextNode.valueOf("<number>"));
    normalise(copy, darkroom);
    return copy;
  }

  private static void normalise(JsonNode node, boolean darkroom) {
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String name = field.getKey();
        JsonNode value = field.getValue();
        if (name.equals("timestamp")) {
          field.setValue(TextNode.valueOf("<timestamp>"));
        } else if (name.equals("nodes") && value.isArray()) {
          field.setValue(TextNode.valueOf("<cached nodes>"));
        } else if (name.equals("filename") && value.isTextual()) {
          field.setValue(TextNode.valueOf(value.asText().replaceAll("_\\d{5}_", "_#####_")));
        } else if (name.equals("subfolder") && value.isTextual() && darkroom) {
          assertThat(value.asText()).startsWith("<prompt_id>");
          field.setValue(TextNode.valueOf(value.asText().replaceFirst("^<prompt_id>/?", "")));
        } else {
          normalise(value, darkroom);
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(child -> normalise(child, darkroom));
    }
  }

  // Deliberate differences

  @Test
  void whereComfyUIAnswers500DarkroomAnswers400() throws Exception {
    Reply comfy = send(engine.baseUrl(), "POST", "/prompt", "{not json");
    Reply darkroom = send(stack.apiUrl(), "POST", "/prompt", "{not json");
    assertThat(comfy.status()).isEqualTo(500);
    assertThat(darkroom.status()).isEqualTo(400);
    assertThat(darkroom.json().at("/error/type").asText()).isEqualTo("invalid_prompt");

    assertThat(send(engine.baseUrl(), "GET", "/history?max_items=many", null).status()).isEqualTo(500);
    assertThat(send(stack.apiUrl(), "GET", "/history?max_items=many", null).status()).isEqualTo(400);
    assertThat(send(engine.baseUrl(), "POST", "/queue", "{not json").status()).isEqualTo(500);
    assertThat(send(stack.apiUrl(), "POST", "/queue", "{not json").status()).isEqualTo(400);

    // The models bucket holds no embeddings here, so Darkroom lists none; the engine lists its own folder.
    assertThat(send(engine.baseUrl(), "GET", "/embeddings", null).json()).isNotEmpty();
    assertThat(send(stack.apiUrl(), "GET", "/embeddings", null).body()).isEqualTo("[]");
    assertThat(send(engine.baseUrl(), "GET", "/features", null).json().get("supports_preview_metadata").asBoolean()).isTrue();
    assertThat(send(stack.apiUrl(), "GET", "/features", null).json().get("supports_preview_metadata").asBoolean()).isTrue();
    assertThat(send(stack.apiUrl(), "POST", "/interrupt", "{not json").status())
        .isEqualTo(send(engine.baseUrl(), "POST", "/interrupt", "{not json").status()).isEqualTo(200);
  }

  // HTTP

  private Reply send(String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body(), response);
  }

  private Reply upload(String base, String filename, byte[] content) throws Exception {
    MultipartForm.Encoded form = MultipartForm.encode(List.of(
        new MultipartForm.Part("image", filename, "image/png", content), MultipartForm.field("type", "input")));
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/upload/image"))
        .header("Content-Type", form.contentType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body(), response);
  }

  private static byte[] png(int shade) throws Exception {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, shade * 0x102030);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static List<String> fieldNames(JsonNode node) {
    return keys(node);
  }

  private static List<String> keys(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
