package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tenant piles up 150 prompts near the size limits under one client id and cancels them; the
 * stack, as {@code ./darkroom up} runs it but with every function's heap capped to what its cloud
 * instance has (the realtime gateway runs in 512 MiB, the functions in 1 GiB: 384 MiB of heap each
 * here), must still answer 10 concurrent {@code /history} reads and greet 10 {@code /ws} sockets
 * opened in turn on that client id meanwhile, and run the next normal prompt.
 */
class HostileTenantIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLIENT = "hostile-client";
  private static final int PILED = 150;
  /** Under InputLimits.JSON_STRING_CHARS (100,000) per string. */
  private static final int BIG_STRING = 95_000;

  @TempDir static Path dataDir;
  private static LocalStack stack;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void startStack() throws Exception {
    stack = LocalStack.start(new LocalStack.Options("darkroom-hostile", 0, dataDir, Duration.ofMillis(50), null,
        null, Map.of("JAVA_TOOL_OPTIONS", "-Xmx384m")).asUp());
  }

  @AfterAll
  static void stopStack() {
    Resources.closeAll(stack);
  }

  @Test
  void aTenantsPileOfHugeCancelledPromptsLeavesHistorySocketsAndTheNextPromptWorking() throws Exception {
    String huge = hugeBody();
    System.out.printf("each hostile POST /prompt body: %,d bytes%n", huge.length());
    // The engine stops at the sampler's first step: the piled prompts stay queued or running.
    stack.engine().holdAtStep("KSampler", 1);
    List<String> piled = new ArrayList<>();
    ExecutorService posters = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
      for (int i = 0; i < PILED; i++) {
        posts.add(CompletableFuture.supplyAsync(() -> send("POST", "/prompt", huge), posters));
      }
      for (CompletableFuture<HttpResponse<String>> post : posts) {
        HttpResponse<String> answer = post.join();
        assertThat(answer.statusCode()).as("a hostile prompt near the limits is still a valid prompt: %s",
            answer.body()).isEqualTo(200);
        piled.add(JSON.readTree(answer.body()).get("prompt_id").asText());
      }
    } finally {
      posters.shutdownNow();
    }
    assertThat(send("POST", "/queue", "{\"clear\":true}").statusCode()).isEqualTo(200);
    assertThat(send("POST", "/interrupt", "{}").statusCode()).isEqualTo(200);
    stack.engine().clearFaults();
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
        .until(() -> JSON.readTree(send("GET", "/queue", null).body()), queue ->
            queue.path("queue_running").isEmpty() && queue.path("queue_pending").isEmpty());

    ExecutorService readers = Executors.newFixedThreadPool(10);
    List<WebSocketRecorder> sockets = new ArrayList<>();
    try {
      List<CompletableFuture<HttpResponse<String>>> reads = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        reads.add(CompletableFuture.supplyAsync(() -> send("GET", "/history", null), readers));
      }
      // As in ComfyUI, a new socket with a client id takes over from the one open before it: each
      // must be greeted as it opens; the last one hears what follows.
      for (int i = 0; i < 10; i++) {
        WebSocketRecorder socket = WebSocketRecorder.connect(stack.apiUrl(), CLIENT);
        sockets.add(socket);
        await().atMost(Duration.ofMinutes(1)).until(() -> socket.types().contains("status"));
      }
      for (CompletableFuture<HttpResponse<String>> read : reads) {
        HttpResponse<String> answer = read.join();
        assertThat(answer.statusCode()).as("GET /history while the pile is there: %.300s", answer.body())
            .isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).isObject()).isTrue();
        System.out.printf("GET /history answered %,d bytes%n", answer.body().length());
      }

      HttpResponse<String> normal = send("POST", "/prompt",
          "{\"prompt\":" + workflow() + ",\"client_id\":\"" + CLIENT + "\"}");
      assertThat(normal.statusCode()).as(normal.body()).isEqualTo(200);
      String promptId = JSON.readTree(normal.body()).get("prompt_id").asText();
      JsonNode entry = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
          .until(() -> JSON.readTree(send("GET", "/history/" + promptId, null).body()).get(promptId),
              found -> found != null && found.at("/status/completed").asBoolean());
      assertThat(entry.at("/status/status_str").asText()).isEqualTo("success");
      // The newest socket on the pile's client id hears the normal prompt end.
      WebSocketRecorder newest = sockets.get(sockets.size() - 1);
      await().atMost(Duration.ofMinutes(1)).until(() -> newest.messages.stream().anyMatch(m ->
          m.path("type").asText().equals("executing") && m.at("/data/node").isNull()
              && promptId.equals(m.at("/data/prompt_id").asText(null))));
    } finally {
      readers.shutdownNow();
      sockets.forEach(WebSocketRecorder::close);
    }
    assertThat(piled).hasSize(PILED);
  }

  /** A valid sd1.5 prompt whose texts and {@code extra_data} come near InputLimits' bounds. */
  private static String hugeBody() throws Exception {
    ObjectNode prompt = (ObjectNode) JSON.readTree(workflow());
    ((ObjectNode) prompt.get("6").get("inputs")).put("text", words(BIG_STRING, 1));
    ((ObjectNode) prompt.get("7").get("inputs")).put("text", words(BIG_STRING, 2));
    ObjectNode body = JSON.createObjectNode();
    body.set("prompt", prompt);
    body.put("client_id", CLIENT);
    ObjectNode workflowNotes = body.putObject("extra_data").putObject("extra_pnginfo").putObject("workflow");
    for (int i = 0; i < 3; i++) {
      workflowNotes.put("note" + i, words(BIG_STRING, 10 + i));
    }
    return JSON.writeValueAsString(body);
  }

  private static String words(int length, int seed) {
    StringBuilder text = new StringBuilder(length);
    java.util.Random random = new java.util.Random(seed);
    while (text.length() < length - 12) {
      text.append("word").append(random.nextInt(100_000)).append(' ');
    }
    return text.toString();
  }

  private static String workflow() throws Exception {
    try (InputStream in = HostileTenantIT.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private HttpResponse<String> send(String method, String path, String body) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
          .timeout(Duration.ofMinutes(2))
          .header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
