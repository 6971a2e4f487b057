package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21's first "done when", on the local stack: a model uploaded through
 * {@code /api/v2/models/uploads} to the URL it answers is checked by the models function and then
 * listed, offered and accepted within seconds, and runs on the simulated engine; a file that is not
 * safetensors is refused with the reason and never offered; a deleted model is refused again.
 */
class ModelsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WITHIN = Duration.ofSeconds(20);
  /** A checkpoint the simulated engine lists, then a LoRA named per test, to a preview. */
  private static final String PROMPT = """
      {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
       "2": {"class_type": "LoraLoader", "inputs": {"model": ["1", 0], "clip": ["1", 1], "lora_name": "%s",
             "strength_model": 0.8, "strength_clip": 0.8}},
       "3": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["2", 1], "text": "an ink drawing"}},
       "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
       "5": {"class_type": "KSampler", "inputs": {"model": ["2", 0], "positive": ["3", 0], "negative": ["3", 0],
             "latent_image": ["4", 0], "seed": 1, "steps": 2, "cfg": 7.0, "sampler_name": "euler",
             "scheduler": "normal", "denoise": 1.0}},
       "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
       "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "lora"}}}""";

  @TempDir static Path dataDir;
  private static LocalStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStack() {
    stack = LocalStack.start(new LocalStack.Options("darkroom-models-it", 0, dataDir, Duration.ofMillis(1), null));
  }

  @AfterAll
  static void stopStack() {
    Resources.closeAll(stack);
  }

  /** A small safetensors file: one F16 tensor of {@code values} elements. */
  static byte[] safetensors(int values) {
    byte[] header = ("{\"__metadata__\": {\"format\": \"pt\"}, \"lora_up.weight\": {\"dtype\": \"F16\", \"shape\": ["
        + values + "], \"data_offsets\": [0, " + 2 * values + "]}}").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
    out.writeBytes(header);
    out.writeBytes(new byte[2 * values]);
    return out.toByteArray();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** As a client does it: ask the API, start the session at the signed URL, send the bytes to the session. */
  private void upload(String folder, String name, byte[] bytes) throws Exception {
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    HttpResponse<String> asked = send("POST", "/api/v2/models/uploads", JSON.createObjectNode().put("folder", folder)
        .put("name", name).put("size", bytes.length).put("sha256", sha256).toString());
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
    JsonNode answer = JSON.readTree(asked.body());
    HttpRequest.Builder start = HttpRequest.newBuilder(URI.create(answer.get("upload_url").asText()))
        .method(answer.get("method").asText(), HttpRequest.BodyPublishers.noBody());
    answer.get("headers").fields().forEachRemaining(h -> start.header(h.getKey(), h.getValue().asText()));
    HttpResponse<String> started = http.send(start.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    HttpResponse<String> sent = http.send(HttpRequest.newBuilder(URI.create(started.headers().firstValue("Location")
        .orElseThrow())).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
  }

  private JsonNode model(String folder, String name) throws Exception {
    for (JsonNode model : JSON.readTree(send("GET", "/api/v2/models?folder=" + folder, null).body()).get("models")) {
      if (model.get("name").asText().equals(name)) {
        return model;
      }
    }
    return null;
  }

  private List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private List<String> loraChoices() throws Exception {
    return strings(JSON.readTree(send("GET", "/object_info/LoraLoader", null).body())
        .at("/LoraLoader/input/required/lora_name/0"));
  }

  private HttpResponse<String> prompt(String lora) throws Exception {
    return send("POST", "/prompt", "{\"prompt\": " + PROMPT.formatted(lora) + "}");
  }

  @Test
  void anUploadedLoraIsListedOfferedAcceptedAndRunsWithinSeconds() throws Exception {
    upload("loras", "ink/ink-style.safetensors", safetensors(64));

    JsonNode ready = await().atMost(WITHIN).pollInterval(Duration.ofMillis(200))
        .until(() -> model("loras", "ink/ink-style.safetensors"), m -> m != null && m.get("state").asText().equals("ready"));
    assertThat(ready.get("added_by").asText()).isEqualTo("local");
    assertThat(ready.get("size").asLong()).isEqualTo(safetensors(64).length);
    await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> loraChoices().contains("ink/ink-style.safetensors"));
    assertThat(strings(JSON.readTree(send("GET", "/models/loras", null).body()))).contains("ink/ink-style.safetensors");

    HttpResponse<String> accepted = prompt("ink/ink-style.safetensors");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    String promptId = JSON.readTree(accepted.body()).get("prompt_id").asText();
    JsonNode entry = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> JSON.readTree(send("GET", "/history/" + promptId, null).body()).get(promptId), e -> e != null);
    assertThat(entry.at("/status/status_str").asText()).as(entry.toString()).isEqualTo("success");
    assertThat(entry.at("/outputs/7/images/0/filename").asText()).startsWith("lora");
  }

  @Test
  void aFileThatIsNotSafetensorsIsRefusedWithTheReasonAndNeverOffered() throws Exception {
    upload("loras", "not-a-model.safetensors", "#!/bin/sh\necho this is no model\n".getBytes(StandardCharsets.UTF_8));

    JsonNode refused = await().atMost(WITHIN).pollInterval(Duration.ofMillis(200))
        .until(() -> model("loras", "not-a-model.safetensors"), m -> m != null && !m.get("state").asText().equals("checking"));
    assertThat(refused.get("state").asText()).isEqualTo("refused");
    assertThat(refused.get("reason").asText()).contains("not a usable safetensors file");
    assertThat(loraChoices()).doesNotContain("not-a-model.safetensors");
    assertThat(strings(JSON.readTree(send("GET", "/models/loras", null).body()))).doesNotContain("not-a-model.safetensors");
    HttpResponse<String> prompt = prompt("not-a-model.safetensors");
    assertThat(prompt.statusCode()).isEqualTo(400);
    assertThat(prompt.body()).contains("value_not_in_list");
  }

  @Test
  void aDeletedModelIsRefusedAgain() throws Exception {
    upload("loras", "short-lived.safetensors", safetensors(8));
    await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> loraChoices().contains("short-lived.safetensors"));
    assertThat(prompt("short-lived.safetensors").statusCode()).isEqualTo(200);

    assertThat(send("DELETE", "/api/v2/models/loras/short-lived.safetensors", null).statusCode()).isEqualTo(204);

    HttpResponse<String> refused = prompt("short-lived.safetensors");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("value_not_in_list");
    assertThat(model("loras", "short-lived.safetensors")).as("no longer listed").isNull();
    assertThat(loraChoices()).doesNotContain("short-lived.safetensors");
    assertThat(send("DELETE", "/api/v2/models/loras/short-lived.safetensors", null).statusCode()).as("again")
        .isEqualTo(204);
    assertThat(send("DELETE", "/api/v2/models/loras/" + URLEncoder.encode("never there", StandardCharsets.UTF_8)
        .replace("+", "%20") + ".safetensors", null).statusCode()).isEqualTo(404);
  }
}
