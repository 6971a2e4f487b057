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
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ComfyUI's {@code /ws} through the public port: edge → realtime gateway → Firestore documents
 * written by the job-events function, for a job that really runs on the simulated engine.
 */
class RealtimeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The sampler step (of 20) at which the job waits until its client has heard progress. */
  private static final int HELD_STEP = 5;

  private static LocalStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStack() throws Exception {
    // 20 sampler steps of 200 ms: the runner publishes progress about once a second, so some
    // updates stand apart from the burst of events at the start, which Eventarc may reorder.
    stack = SharedStack.get(Duration.ofMillis(200));
    warmUp();
  }

  /**
   * One job first, followed by no socket. A cold job-events function takes seconds to build its
   * clients, and Eventarc then delivers the backlog at once, out of order: the job documents skip
   * the progress that arrived late (the state machine never goes back), so there would be none to tell.
   */
  private static void warmUp() throws Exception {
    RealtimeIT test = new RealtimeIT();
    // One step, so it is quick and the engine cannot answer the real job's sampler from its cache.
    String promptId = test.post(test.workflow().replace("\"steps\": 20", "\"steps\": 1"), "rt-warm-up");
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> JSON.readTree(test.get("/history/" + promptId)).has(promptId));
  }

  @Test
  void aClientHearsItsJobInComfyUisOrderAndHistoryAnswersOnceItHearsTheEnd() throws Exception {
    try (WebSocketRecorder mine = WebSocketRecorder.connect(stack.apiUrl(), "rt-client-x");
         WebSocketRecorder other = WebSocketRecorder.connect(stack.apiUrl(), "rt-client-y")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !mine.messages.isEmpty() && !other.messages.isEmpty());
      assertThat(mine.messages.get(0).at("/type").asText()).isEqualTo("status");
      assertThat(mine.messages.get(0).at("/data/sid").asText()).isEqualTo("rt-client-x");
      assertThat(mine.messages.get(0).at("/data/status/exec_info/queue_remaining").isInt()).isTrue();

      // The sampler stops after step HELD_STEP until the client has heard progress: nothing of the
      // job happens after that progress, so no later event can make it stale on its way through
      // Eventarc, and it must arrive.
      stack.engine().holdAtStep("KSampler", HELD_STEP);
      String promptId;
      try {
        promptId = post(workflow(), "rt-client-x");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
            .until(() -> mine.messages.stream().anyMatch(m -> isProgress(m, promptId)));
      } finally {
        stack.engine().clearFaults();
      }

      JsonNode done = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
          .until(() -> mine.messages.stream().filter(m -> isEnd(m, promptId)).findFirst().orElse(null), m -> m != null);
      // The moment the client hears the end, history must answer: ComfyUI writes it first.
      JsonNode entry = JSON.readTree(get("/history/" + promptId)).get(promptId);
      assertThat(entry).as("history right after executing null").isNotNull();
      assertThat(entry.at("/status/status_str").asText()).isEqualTo("success");

      List<JsonNode> seen = List.copyOf(mine.messages);
      assertThat(seen.get(seen.size() - 1)).isEqualTo(done);
      List<String> types = seen.stream().filter(m -> promptId.equals(m.at("/data/prompt_id").asText(null)))
          .map(m -> m.get("type").asText()).toList();
      assertThat(types).startsWith("execution_start", "execution_cached");
      assertThat(types).endsWith("executed", "execution_success", "executing");
      // Progress came: the sampler's (node 3, of 20 steps), each for a node, within range, between
      // the start and the outputs.
      List<JsonNode> progress = seen.stream().filter(m -> isProgress(m, promptId)).toList();
      assertThat(progress).allSatisfy(p -> {
        assertThat(p.at("/data/node").asText()).isNotEmpty();
        assertThat(p.at("/data/value").asLong()).isBetween(0L, p.at("/data/max").asLong());
      });
      assertThat(progress).anySatisfy(p -> {
        assertThat(p.at("/data/node").asText()).isEqualTo("3");
        assertThat(p.at("/data/max").asLong()).isEqualTo(20);
        assertThat(p.at("/data/value").asLong()).isBetween(1L, 20L);
      });
      assertThat(types.lastIndexOf("progress")).isLessThan(types.indexOf("executed"));
      assertThat(types.indexOf("progress")).isGreaterThan(types.indexOf("execution_start"));
      assertThat(seen.get(seen.size() - 2).get("type").asText()).isEqualTo("status");

      JsonNode executed = seen.stream().filter(m -> m.get("type").asText().equals("executed")).findFirst().orElseThrow();
      assertThat(executed.at("/data/node").asText()).isEqualTo("9");
      assertThat(executed.at("/data/output/images/0")).isEqualTo(entry.at("/outputs/9/images/0"));
      assertThat(executed.at("/data/output/images/0/subfolder").asText()).isEqualTo(promptId);

      // Another client of the same user hears the queue, and nothing of the job.
      assertThat(other.types()).containsOnly("status");
      assertThat(other.messages).noneMatch(m -> m.toString().contains(promptId));
    }
  }

  private static boolean isProgress(JsonNode message, String promptId) {
    return message.get("type").asText().equals("progress") && promptId.equals(message.at("/data/prompt_id").asText(null));
  }

  private static boolean isEnd(JsonNode message, String promptId) {
    return message.get("type").asText().equals("executing") && message.at("/data/node").isNull()
        && promptId.equals(message.at("/data/prompt_id").asText(null));
  }

  private String post(String workflow, String clientId) throws Exception {
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/prompt"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":" + workflow + ",\"client_id\":\"" + clientId + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    return JSON.readTree(posted.body()).get("prompt_id").asText();
  }

  private String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private String workflow() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
