package dev.darkroom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.local.LocalStack;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * P6: the local stack as a new user meets it. From the {@link LocalStack#start} call (what
 * {@code ./darkroom up} does after its build) to the stack serving, and on to the first prompt's
 * image listed in {@code /history}; then prompts back to back (warm) against one prompt after
 * {@value #IDLE_SECONDS} s of silence. Each prompt is timed as a ComfyUI client sees it: from
 * {@code POST /prompt} to its entry in {@code /history/{id}} with an image.
 *
 * <p>The baseline of the idle figure is the warm median of the same stack in the same run; the
 * first-image figures are absolute (the target is a time a person waits), printed beside
 * the warm median so a slow machine shows as such.
 */
public final class LocalStackBench implements Benchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The quiet spell after which a prompt was once reported far later than a warm one. */
  static final int IDLE_SECONDS = 40;
  /** {@code ./darkroom up}'s default engine speed. */
  private static final Duration STEP_TIME = Duration.ofMillis(40);
  private static final Duration PROMPT_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration POLL_EVERY = Duration.ofMillis(100);

  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  public String name() {
    return "p6";
  }

  @Override
  public void run(boolean quick, BenchReport report) throws Exception {
    int warmPrompts = quick ? 5 : 15;
    ObjectNode workflow;
    try (InputStream in = LocalStackBench.class.getResourceAsStream("/sd1.5-txt2img.json")) {
      workflow = (ObjectNode) JSON.readTree(in);
    }
    Path dataDir = Files.createTempDirectory("darkroom-bench-p6");
    long started = System.nanoTime();
    try (LocalStack stack = LocalStack.start(new LocalStack.Options("darkroom-bench", 0, dataDir, STEP_TIME, null).asUp())) {
      long serving = System.nanoTime();
      String api = stack.apiUrl();
      long firstImage = prompt(api, withSeed(workflow, 0));
      long firstImageAt = System.nanoTime();

      List<Long> warm = new ArrayList<>();
      for (int i = 1; i <= warmPrompts; i++) {
        warm.add(prompt(api, withSeed(workflow, i)));
      }
      Thread.sleep(Duration.ofSeconds(IDLE_SECONDS).toMillis());
      long idle = prompt(api, withSeed(workflow, warmPrompts + 1));

      double startToServing = (serving - started) / 1e9;
      double servingToFirstImage = (firstImageAt - serving) / 1e9;
      double startToFirstImage = (firstImageAt - started) / 1e9;
      double warmMedian = BenchReport.percentile(warm, 0.5) / 1e9;
      double idleSeconds = idle / 1e9;
      System.out.printf("""
          local stack (SIMULATED engine, %d ms per step), timed as a ComfyUI client sees it
            start call -> serving               %7.2f s
            serving -> first image in /history  %7.2f s   (the first prompt alone: %.2f s; target <= 15 s after serving)
            start call -> first image           %7.2f s
            warm prompt, POST -> /history       %7.2f s median, %.2f s p95 (%d prompts)
            prompt after %d s idle               %7.2f s
            ratio idle/warm (median)            %7.2f   (target <= 1.5)
          %n""",
          STEP_TIME.toMillis(), startToServing, servingToFirstImage, firstImage / 1e9, startToFirstImage,
          warmMedian, BenchReport.percentile(warm, 0.95) / 1e9, warm.size(), IDLE_SECONDS, idleSeconds,
          idleSeconds / warmMedian);
      report.put("p6_first_image_s", startToFirstImage);
      report.put("p6_start_to_serving_s", startToServing);
      report.put("p6_serving_to_first_image_s", servingToFirstImage);
      report.put("p6_warm_prompt_s", warmMedian);
      report.put("p6_idle_prompt_s", idleSeconds);
      report.put("p6_idle_ratio", idleSeconds / warmMedian);
    }
  }

  /** Nanoseconds from {@code POST /prompt} to the prompt's entry in {@code /history} with an image. */
  private long prompt(String api, ObjectNode workflow) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.set("prompt", workflow);
    long posted = System.nanoTime();
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(api + "/prompt"))
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("POST /prompt answered " + answer.statusCode() + ": " + answer.body());
    }
    String promptId = JSON.readTree(answer.body()).path("prompt_id").asText();
    long deadline = posted + PROMPT_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode entry = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(api + "/history/" + promptId)).build(),
          HttpResponse.BodyHandlers.ofString()).body()).path(promptId);
      if (!entry.isMissingNode()) {
        if (!hasImage(entry)) {
          throw new IllegalStateException("prompt " + promptId + " ended without an image: " + entry);
        }
        return System.nanoTime() - posted;
      }
      Thread.sleep(POLL_EVERY.toMillis());
    }
    throw new IllegalStateException("prompt " + promptId + " not in /history after " + PROMPT_TIMEOUT);
  }

  private static boolean hasImage(JsonNode entry) {
    for (JsonNode output : entry.path("outputs")) {
      if (output.path("images").size() > 0) {
        return true;
      }
    }
    return false;
  }

  /** A new seed each time: ComfyUI caches unchanged nodes, and a cached prompt costs nothing. */
  private static ObjectNode withSeed(ObjectNode workflow, long seed) {
    ObjectNode copy = workflow.deepCopy();
    ((ObjectNode) copy.path("3").path("inputs")).put("seed", seed);
    return copy;
  }
}
