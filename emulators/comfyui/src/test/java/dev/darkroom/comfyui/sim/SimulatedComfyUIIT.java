package dev.darkroom.comfyui.sim;

import static dev.darkroom.comfyui.sim.ComfyClient.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatedComfyUIIT {

  @TempDir static Path data;
  private SimulatedComfyUI engine;
  private final List<ComfyClient> clients = new ArrayList<>();

  @BeforeAll
  void start() {
    engine = SimulatedComfyUI.start(
        SimulatedComfyUI.Config.defaults(data).withStepTime(Duration.ofMillis(2)).withMaxUploadBytes(1024 * 1024));
  }

  @AfterAll
  void stop() {
    engine.close();
  }

  @AfterEach
  void cleanUp() {
    engine.clearFaults();
    clients.forEach(ComfyClient::close);
    clients.clear();
  }

  private ComfyClient client() {
    ComfyClient c = new ComfyClient(engine.baseUrl(), "c-" + UUID.randomUUID()).connect();
    clients.add(c);
    return c;
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  /** The event types a client saw after its greeting, one letter per per-node event. */
  private static String nodePhase(List<JsonNode> messages) {
    return messages.stream().map(m -> switch (m.path("type").asText()) {
      case "progress_state" -> "S";
      case "executing" -> m.path("data").path("node").isNull() ? "N" : "E";
      case "progress" -> "P";
      case "executed" -> "D";
      default -> "[" + m.path("type").asText() + "]";
    }).collect(Collectors.joining());
  }

  @ParameterizedTest
  @CsvSource({
    "sd1.5-txt2img.json, 9",
    "sdxl-txt2img.json, 19",
    "sdxl-txt2img-with-refiner.json, 19",
    "flux-txt2img.json, 9"
  })
  void sampleWorkflowsRunEndToEndInComfyUIsEventOrder(String file, String saveNode) {
    ComfyClient c = client();
    c.messages.clear();
    String pid = id();
    ObjectNode prompt = workflow(file);
    // A prefix unique to this run keeps ComfyUI's cache from answering for the save node.
    ((ObjectNode) prompt.get(saveNode).get("inputs")).put("filename_prefix", "it/" + file);
    // A fresh seed keeps the cache (filled by other tests) from answering for the sampler.
    prompt.forEach(node -> {
      if (node.path("inputs").has("seed")) ((ObjectNode) node.get("inputs")).put("seed", System.nanoTime() & 0xffffffffL);
    });

    ComfyClient.Reply reply = c.queue(prompt, pid);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("prompt_id").asText()).isEqualTo(pid);
    assertThat(reply.json().get("node_errors").isEmpty()).isTrue();
    c.awaitDone(pid);
    JsonNode history = c.get("/history/" + pid).json().get(pid);
    assertThat(history).as("history exists once executing null has arrived").isNotNull();

    String phase = nodePhase(c.messages);
    assertThat(phase).matches(
        "\\[status]\\[status]\\[execution_start]\\[execution_cached](SE(SP)*D?S)+\\[execution_success]\\[status]N");
    // Each step as ComfyUI's progress hook sends it (main.py hijack_progress): progress_state, then progress.
    assertThat(phase).contains("SESP");
    c.messages.stream().filter(m -> m.path("type").asText().startsWith("execution_"))
        .forEach(m -> assertThat(m.path("data").path("timestamp").isNumber()).isTrue());

    assertThat(history.get("status").get("status_str").asText()).isEqualTo("success");
    assertThat(history.get("status").get("completed").asBoolean()).isTrue();
    assertThat(history.get("status").get("messages").findValuesAsText("prompt_id")).containsOnly(pid);
    assertThat(history.get("prompt").get(1).asText()).isEqualTo(pid);
    assertThat(history.get("prompt").get(4).get(0).asText()).isEqualTo(saveNode);
    assertThat(history.get("meta").get(saveNode).get("real_node_id").asText()).isEqualTo(saveNode);
    JsonNode image = history.get("outputs").get(saveNode).get("images").get(0);
    assertThat(image.get("subfolder").asText()).isEqualTo("it");
    assertThat(image.get("type").asText()).isEqualTo("output");

    ComfyClient.Reply png = c.get("/api/view?filename=" + image.get("filename").asText() + "&subfolder=it&type=output");
    assertThat(png.status()).isEqualTo(200);
    assertThat(png.bytes()).startsWith(0x89, 'P', 'N', 'G');
    var text = PngWriter.readText(png.bytes());
    assertThat(text.get("prompt")).contains("\"class_type\":\"SaveImage\"");
    assertThat(text.get("workflow")).isEqualTo("{\"note\":\"from a test\"}");
    assertThat(text.get("Software")).contains("simulated");
  }

  private byte[] runAndView(ComfyClient c, ObjectNode prompt) {
    String pid = id();
    assertThat(c.queue(prompt, pid).status()).isEqualTo(200);
    c.awaitDone(pid);
    JsonNode image = c.get("/history/" + pid).json().get(pid).get("outputs").get("9").get("images").get(0);
    return c.get("/view?filename=" + image.get("filename").asText() + "&subfolder=" + image.get("subfolder").asText()).bytes();
  }

  @Test
  void imagesAreDeterministicInTheSeed() {
    ComfyClient c = client();
    ObjectNode a = workflow("sd1.5-txt2img.json");
    ((ObjectNode) a.get("9").get("inputs")).put("filename_prefix", "seeds");
    ObjectNode b = a.deepCopy();
    ((ObjectNode) b.get("3").get("inputs")).put("seed", 1);

    byte[] first = runAndView(c, a);
    byte[] other = runAndView(c, b);
    byte[] again = runAndView(c, a);

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    assertThat(Files.exists(data.resolve("output/seeds_00003_.png"))).as("the third run saved again").isTrue();
  }

  @Test
  void anUnchangedPromptIsServedFromTheCache() {
    ComfyClient c = client();
    ObjectNode prompt = workflow("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("9").get("inputs")).put("filename_prefix", "cached");
    String first = id();
    c.queue(prompt, first);
    c.awaitDone(first);
    c.messages.clear();

    String second = id();
    c.queue(prompt, second);
    c.awaitDone(second);

    JsonNode cached = c.of("execution_cached").get(0).get("data").get("nodes");
    assertThat(cached).hasSize(7);
    assertThat(nodePhase(c.messages)).endsWith("[execution_cached]DS[execution_success][status]N");
    JsonNode outputs = c.get("/history/" + second).json().get(second).get("outputs");
    assertThat(outputs.get("9").get("images").get(0).get("filename").asText()).isEqualTo("cached_00001_.png");
  }

  @Test
  void img2imgGetsComfyUIsInvalidPromptRefusal() {
    ComfyClient c = client();
    ComfyClient.Reply reply = c.post("/api/prompt", c.JSON.createObjectNode().set("prompt", workflow("sd1.5-img2img.json")));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json()).isEqualTo(ComfyClient.JSON.createObjectNode()
        .<ObjectNode>set("error", ComfyClient.JSON.createObjectNode()
            .put("type", "invalid_prompt")
            .put("message", "Cannot execute because node ImageResize+ does not exist.")
            .put("details", "Node ID '#11'")
            .set("extra_info", ComfyClient.JSON.createObjectNode()))
        .set("node_errors", ComfyClient.JSON.createObjectNode()));
  }

  @Test
  void validationErrorsReachTheClientInComfyUIsShape() {
    ComfyClient c = client();
    ObjectNode prompt = workflow("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("steps", 0);

    ComfyClient.Reply reply = c.queue(prompt, id());

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").get("type").asText()).isEqualTo("prompt_outputs_failed_validation");
    JsonNode error = reply.json().get("node_errors").get("3").get("errors").get(0);
    assertThat(error.get("type").asText()).isEqualTo("value_smaller_than_min");
    assertThat(error.get("message").asText()).isEqualTo("Value 0 smaller than min of 1");
    assertThat(reply.json().get("node_errors").get("3").get("dependent_outputs").get(0).asText()).isEqualTo("9");

    ComfyClient.Reply noPrompt = c.post("/prompt", "{}");
    assertThat(noPrompt.status()).isEqualTo(400);
    assertThat(noPrompt.json().get("error").get("type").asText()).isEqualTo("no_prompt");
    assertThat(c.post("/prompt", "{not json").status()).isEqualTo(500);
  }

  @Test
  void interruptingARunningPromptEndsItAsInterrupted() {
    ComfyClient c = client();
    ObjectNode prompt = workflow("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("steps", 10000);
    String pid = id();
    c.queue(prompt, pid);
    await().atMost(Duration.ofSeconds(20)).until(() -> !c.of("progress").isEmpty());

    assertThat(c.post("/interrupt", "{\"prompt_id\":\"" + pid + "\"}").status()).isEqualTo(200);
    c.awaitDone(pid);

    JsonNode interrupted = c.of("execution_interrupted").get(0).get("data");
    assertThat(interrupted.get("prompt_id").asText()).isEqualTo(pid);
    assertThat(interrupted.get("node_id").asText()).isEqualTo("3");
    assertThat(interrupted.get("node_type").asText()).isEqualTo("KSampler");
    assertThat(interrupted.get("executed").isArray()).isTrue();
    JsonNode status = c.get("/history/" + pid).json().get(pid).get("status");
    assertThat(status.get("status_str").asText()).isEqualTo("error");
    assertThat(status.get("completed").asBoolean()).isFalse();
    assertThat(status.get("messages").get(2).get(0).asText()).isEqualTo("execution_interrupted");
  }

  @Test
  void anInjectedNodeErrorIsAnExecutionError() {
    ComfyClient c = client();
    engine.failNode("VAEDecode", "RuntimeError", "simulated out of memory");
    ObjectNode prompt = workflow("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("seed", 99);
    String pid = id();
    c.queue(prompt, pid);
    c.awaitDone(pid);

    JsonNode error = c.of("execution_error").get(0).get("data");
    assertThat(error.get("node_id").asText()).isEqualTo("8");
    assertThat(error.get("node_type").asText()).isEqualTo("VAEDecode");
    assertThat(error.get("exception_type").asText()).isEqualTo("RuntimeError");
    assertThat(error.get("exception_message").asText()).isEqualTo("simulated out of memory");
    assertThat(error.get("traceback").isArray()).isTrue();
    assertThat(error.get("current_inputs").has("samples")).isTrue();
    assertThat(error.get("timestamp").isNumber()).isTrue();
    assertThat(nodePhase(c.messages)).contains("SES[execution_error][status]N");
    assertThat(c.get("/history/" + pid).json().get(pid).get("status").get("status_str").asText()).isEqualTo("error");
  }

  @Test
  void theQueueIsAMinHeapOnNumberWithFrontJumpingIt() {
    ComfyClient c = client();
    c.post("/darkroom/faults", "{\"hang_node\":{\"class_type\":\"KSampler\"}}");
    ObjectNode base = workflow("sd1.5-txt2img.json");
    String running = id();
    c.queue(variant(base, 1), running);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        c.get("/queue").json().get("queue_running").size() == 1);

    String ten = postWith(c, variant(base, 2), "\"number\": 10");
    String five = postWith(c, variant(base, 3), "\"number\": 5");
    String front = postWith(c, variant(base, 4), "\"front\": true");
    String gone = postWith(c, variant(base, 5), "\"number\": 7");

    JsonNode queue = c.get("/queue").json();
    assertThat(queue.get("queue_running").get(0).get(1).asText()).isEqualTo(running);
    assertThat(ids(queue.get("queue_pending"))).containsExactly(front, five, gone, ten);
    assertThat(queue.get("queue_pending").get(1).get(0).asDouble()).isEqualTo(5.0);
    assertThat(c.get("/prompt").json().get("exec_info").get("queue_remaining").asInt()).isEqualTo(5);

    assertThat(c.post("/queue", "{\"delete\":[\"" + gone + "\"]}").body()).isEmpty();
    assertThat(ids(c.get("/queue").json().get("queue_pending"))).containsExactly(front, five, ten);
    assertThat(c.get("/history/" + ten).body()).isEqualTo("{}");

    engine.clearFaults();
    c.post("/interrupt", "");
    c.awaitDone(ten);
    List<String> order = c.messages.stream().filter(m -> m.path("type").asText().equals("execution_start"))
        .map(m -> m.get("data").get("prompt_id").asText()).toList();
    assertThat(order).containsExactly(running, front, five, ten);
  }

  private static ObjectNode variant(ObjectNode base, int seed) {
    ObjectNode p = base.deepCopy();
    ((ObjectNode) p.get("3").get("inputs")).put("seed", 1000 + seed);
    ((ObjectNode) p.get("3").get("inputs")).put("steps", 2);
    return p;
  }

  private static String postWith(ComfyClient c, ObjectNode prompt, String extra) {
    String pid = id();
    String body = "{\"prompt\":" + prompt + ",\"client_id\":\"" + c.clientId + "\",\"prompt_id\":\"" + pid + "\"," + extra + "}";
    assertThat(c.post("/prompt", body).status()).isEqualTo(200);
    return pid;
  }

  private static List<String> ids(JsonNode items) {
    List<String> out = new ArrayList<>();
    items.forEach(i -> out.add(i.get(1).asText()));
    return out;
  }

  @Test
  void aNodeHeldAtAStepGoesNoFurtherUntilReleasedThenFinishes() {
    ComfyClient c = client();
    engine.holdAtStep("KSampler", 3);
    ObjectNode prompt = workflow("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("seed", 4343).put("steps", 6);
    String pid = id();
    c.queue(prompt, pid);
    await().atMost(Duration.ofSeconds(20)).until(() -> c.of("progress").stream()
        .anyMatch(m -> m.get("data").path("value").asInt() == 3));
    // Held: the next step cannot come while the hold stands, however long the sampler waits.
    assertThat(c.of("progress")).noneMatch(m -> m.get("data").path("value").asInt() > 3);
    assertThat(engine.executionsByPromptId().get(pid)).isEqualTo(1);
    assertThat(c.of("executed")).isEmpty();

    engine.clearFaults();
    c.awaitDone(pid);
    assertThat(c.of("progress")).extracting(m -> m.get("data").path("value").asInt()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(c.of("execution_success")).hasSize(1);
  }

  @Test
  void aHungNodeWaitsForAnInterruptWithoutAPromptId() {
    ComfyClient c = client();
    c.post("/darkroom/faults", "{\"hang_node\":{\"class_type\":\"VAEDecode\"}}");
    ObjectNode prompt = workflow("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("seed", 4242);
    String pid = id();
    c.queue(prompt, pid);
    await().atMost(Duration.ofSeconds(20)).until(() -> c.of("executing").stream()
        .anyMatch(m -> m.get("data").path("node").asText().equals("8")));

    c.post("/interrupt", "{}");
    c.awaitDone(pid);

    assertThat(c.of("execution_interrupted").get(0).get("data").get("node_id").asText()).isEqualTo("8");
  }

  @ParameterizedTest
  @CsvSource({
    "/view, 404",
    "/view?filename=../secret.png, 400",
    "/view?filename=/etc/passwd, 400",
    "/view?filename=a.png&subfolder=../.., 403",
    "/view?filename=a.png&type=bogus, 400",
    "/view?filename=nothing.png, 404"
  })
  void viewChecksItsParametersInComfyUIsOrder(String path, int status) {
    assertThat(client().get(path).status()).isEqualTo(status);
  }

  private ComfyClient.Reply upload(ComfyClient c, String name, byte[] content, boolean overwrite) {
    String boundary = "b" + UUID.randomUUID();
    StringBuilder head = new StringBuilder()
        .append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"image\"; filename=\"")
        .append(name).append("\"\r\nContent-Type: image/png\r\n\r\n");
    String tail = (overwrite ? "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"overwrite\"\r\n\r\ntrue" : "")
        + "\r\n--" + boundary + "--\r\n";
    byte[] body = concat(head.toString().getBytes(StandardCharsets.UTF_8), content, tail.getBytes(StandardCharsets.UTF_8));
    return c.send(HttpRequest.newBuilder(URI.create(engine.baseUrl() + "/upload/image"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void uploadsAreRenamedOnAClashUnlessIdenticalOrOverwritten() {
    ComfyClient c = client();
    byte[] one = "first image".getBytes(StandardCharsets.UTF_8);
    byte[] two = "second image".getBytes(StandardCharsets.UTF_8);

    assertThat(upload(c, "clash.png", one, false).json().get("name").asText()).isEqualTo("clash.png");
    JsonNode renamed = upload(c, "clash.png", two, false).json();
    assertThat(renamed.get("name").asText()).isEqualTo("clash (1).png");
    assertThat(renamed.get("type").asText()).isEqualTo("input");
    assertThat(upload(c, "clash.png", one, false).json().get("name").asText()).isEqualTo("clash.png");
    assertThat(upload(c, "clash.png", two, true).json().get("name").asText()).isEqualTo("clash.png");
    assertThat(c.get("/view?filename=clash.png&type=input").body()).isEqualTo("second image");
    assertThat(c.get("/object_info/LoadImage").json().get("LoadImage").get("input").get("required")
        .get("image").get(0).toString()).contains("clash (1).png");
    assertThat(upload(c, "big.png", new byte[1024 * 1024 + 1], false).status()).isEqualTo(413);
  }

  @Test
  void infoRoutesAnswerAsComfyUIDoesUnderBothPrefixes() {
    ComfyClient c = client();
    JsonNode ksampler = c.get("/api/object_info/KSampler").json();
    assertThat(ksampler.get("KSampler").get("output").get(0).asText()).isEqualTo("LATENT");
    assertThat(c.get("/object_info").json().toString()).doesNotContain("x_darkroom");
    assertThat(c.get("/object_info/NoSuchNode").body()).isEqualTo("{}");
    assertThat(c.get("/object_info").json().get("CheckpointLoaderSimple").get("input").get("required")
        .get("ckpt_name").get(0)).hasSize(6);
    assertThat(c.get("/api/system_stats").json().get("devices").get(0).get("name").asText())
        .isEqualTo("Darkroom simulated engine (CPU) — not ComfyUI");
    assertThat(c.get("/features").json().get("max_upload_size").asDouble()).isEqualTo(1024 * 1024);
    assertThat(c.get("/embeddings").json().get(0).asText()).isEqualTo("easynegative");
    assertThat(c.get("/models").json().toString()).contains("checkpoints");
    assertThat(c.get("/models/loras").json().get(0).asText()).isEqualTo("add_detail.safetensors");
    assertThat(c.get("/models/nope").status()).isEqualTo(404);
    assertThat(c.get("/history/never-queued").body()).isEqualTo("{}");
    assertThat(c.get("/history?max_items=x").status()).isEqualTo(500);
    assertThat(c.post("/free", "{\"free_memory\":true}").body()).isEmpty();
    assertThat(c.post("/history", "{\"delete\":[\"never-queued\"]}").status()).isEqualTo(200);
    ComfyClient.Reply crossOrigin = c.send(HttpRequest.newBuilder(URI.create(engine.baseUrl() + "/prompt"))
        .header("Origin", "http://evil.example").GET());
    assertThat(crossOrigin.status()).isEqualTo(403);
  }

  @Test
  void eventsForAClientWithoutASocketAreDroppedAndAReconnectReplacesTheSocket() {
    ComfyClient first = client();
    ComfyClient second = new ComfyClient(engine.baseUrl(), first.clientId).connect();
    clients.add(second);
    first.messages.clear();

    String pid = id();
    ObjectNode prompt = workflow("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("seed", 777);
    second.queue(prompt, pid);
    second.awaitDone(pid);

    assertThat(first.messages).noneMatch(m -> m.path("data").path("prompt_id").asText().equals(pid));
    assertThat(second.of("execution_success")).hasSize(1);

    ComfyClient absent = new ComfyClient(engine.baseUrl(), "nobody-listening");
    String lonely = id();
    ((ObjectNode) prompt.get("3").get("inputs")).put("seed", 778);
    assertThat(absent.queue(prompt, lonely).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> !absent.get("/history/" + lonely).json().isEmpty());
  }

  @Test
  void droppingWebSocketsCutsClientsAndTheEngineCarriesOn() {
    ComfyClient c = client();
    engine.dropWebSockets();
    await().atMost(Duration.ofSeconds(10)).until(() -> c.closed);

    ComfyClient again = client();
    assertThat(again.of("status").get(0).get("data").get("sid").asText()).isEqualTo(again.clientId);
  }

  @Test
  void aKilledEngineStopsAnswering(@TempDir Path other) {
    SimulatedComfyUI doomed = SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(other));
    ComfyClient c = new ComfyClient(doomed.baseUrl(), "k").connect();
    doomed.kill();

    await().atMost(Duration.ofSeconds(10)).until(() -> c.closed);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.get("/prompt"))
        .isInstanceOf(java.io.UncheckedIOException.class);
  }

  @Test
  void aModelsDirectoryIsListedAndValidatedAgainstAsItIsNow(@TempDir Path other) {
    java.util.Map<String, List<String>> directory = new java.util.concurrent.ConcurrentHashMap<>();
    try (SimulatedComfyUI listing = SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(other)
        .withModelsDirectory(() -> java.util.Map.copyOf(directory)))) {
      ComfyClient c = new ComfyClient(listing.baseUrl(), "m");
      ObjectNode prompt = workflow("sd1.5-txt2img.json");
      ObjectNode lora = prompt.putObject("20");
      lora.put("class_type", "LoraLoader");
      ObjectNode inputs = lora.putObject("inputs");
      inputs.putArray("model").add("4").add(0);
      inputs.putArray("clip").add("4").add(1);
      inputs.put("lora_name", "style/ink.safetensors").put("strength_model", 1.0).put("strength_clip", 1.0);
      ((ObjectNode) prompt.get("3").get("inputs")).putArray("model").add("20").add(0);
      ObjectNode body = ComfyClient.JSON.createObjectNode();
      body.set("prompt", prompt);

      assertThat(c.post("/prompt", body).body()).contains("value_not_in_list");
      directory.put("loras", List.of("style/ink.safetensors"));

      assertThat(c.get("/models/loras").json()).extracting(JsonNode::asText)
          .containsExactly("add_detail.safetensors", "style/ink.safetensors");
      assertThat(c.get("/object_info/LoraLoader").body()).contains("style/ink.safetensors");
      assertThat(c.post("/prompt", body).status()).isEqualTo(200);
    }
  }
}
