package dev.darkroom.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.job.PromptIds;
import dev.darkroom.testing.InMemoryJobLiveStream;
import dev.darkroom.testing.JsonExpectations;
import dev.darkroom.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The WebSocket half of the ComfyUI conformance table (conformance/comfyui-a125cd84-ws.json): for
 * each case, what one socket hears from the gateway in-process is compared, frame by frame, with
 * what ComfyUI's code sends at the pinned commit. A case's {@code feed} says what the gateway is fed:
 * {@code live}, as production runs, the job documents as the runner's events leave them and the
 * engine's own frames in the job's live window as the runner's LiveRelay writes them
 * ({@link RunnerLiveWindow}); {@code documents}, the fallback when a runner writes no live stream, the
 * job documents alone. A case Darkroom answers differently on purpose gives the frames it sends
 * instead and why; functions/api/README.md lists it.
 */
class ComfyUiSocketConformanceTest {
  private static final String TABLE = "/conformance/comfyui-a125cd84-ws.json";
  private static final String USER = "alice";
  private static final String PROMPT_ID = "job-1";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration STEP = Duration.ofMinutes(1);
  private static final String QUOTED_PROMPT_ID = "\"" + PROMPT_ID + "\"";
  /** The id the runner submits the job's prompt under (the live frames name it; the client hears its own). */
  private static final String ENGINE_PROMPT_ID = PromptIds.forEngine(PROMPT_ID);
  /** A held end waits for the live window's completion, which each case writes; the timer never fires within a case. */
  private static final Duration NO_GRACE_TIMEOUT = Duration.ofHours(1);

  static Stream<Arguments> cases() {
    return StreamSupport.stream(table().get("cases").spliterator(), false).map(c -> Arguments.of(c.get("id").asText(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theGatewaySaysWhatComfyUiSays(String id, JsonNode conformanceCase) {
    JsonNode table = table();
    boolean live = conformanceCase.get("feed").asText().equals("live");
    FakeJobFeed feed = new FakeJobFeed();
    InMemoryJobLiveStream liveStream = new InMemoryJobLiveStream();
    // Steps a minute apart: a socket opened after a job was submitted is a reconnect, not a race (ClientConnection).
    ManualClock clock = new ManualClock(T0);
    RunnerLiveWindow runner = new RunnerLiveWindow(liveStream, PROMPT_ID, ENGINE_PROMPT_ID, T0.toEpochMilli());
    Map<String, RecordingSink> sockets = new HashMap<>();
    Job job = null;
    try (Gateway gateway = live ? new Gateway(feed, jobId -> Optional.empty(), clock, liveStream, NO_GRACE_TIMEOUT)
        : new Gateway(feed, jobId -> Optional.empty(), clock)) {
      for (JsonNode step : conformanceCase.get("steps")) {
        clock.advance(STEP);
        if (step.has("connect")) {
          RecordingSink sink = new RecordingSink();
          sockets.put(step.get("connect").asText(), sink);
          gateway.open(USER, step.get("connect").asText(), sink);
          if (step.has("sends")) {
            GatewaySocket.answerFirstMessage(step.get("sends").toString(), sink);
          }
        } else if (step.has("engine")) {
          runner.text(step.get("engine").toString().replace(QUOTED_PROMPT_ID, "\"" + ENGINE_PROMPT_ID + "\""));
        } else if (step.has("engine_binary")) {
          runner.binary(BinaryFrames.encode(step.get("engine_binary")));
        } else if (step.has("live_write")) {
          runner.write(step.get("live_write").asText().equals("complete"));
        } else {
          job = next(job, step, clock.instant(), conformanceCase.has("prompt") ? conformanceCase.get("prompt") : table.get("prompt"));
          feed.put(job);
        }
      }
    }
    List<Object> frames = sockets.values().iterator().next().frames;
    ArrayNode heard = ComfyMessages.JSON.createArrayNode();
    frames.forEach(f -> heard.add(f instanceof byte[] binary ? BinaryFrames.describe(binary) : (JsonNode) f));
    JsonNode expected = conformanceCase.has("darkroom") ? conformanceCase.get("darkroom").get("messages")
        : live ? conformanceCase.get("comfyui") : withoutOmitted(conformanceCase.get("comfyui"), table.get("darkroom_omits"));
    List<String> mismatches = JsonExpectations.mismatches(expected, heard);
    assertThat(mismatches).as(id + " (" + conformanceCase.get("source").asText() + ")\nheard " + heard).isEmpty();
  }

  /** Every case cites ComfyUI's code, gives its frames and its feed; each difference says why and is in the api's README. */
  @Test
  void everyCaseIsSourcedAndEveryDifferenceDocumented() throws IOException {
    String readme = Files.readString(Path.of("../api/README.md"));
    JsonNode table = table();
    assertThat(readme).contains("`" + table.at("/darkroom_omits/id").asText() + "`");
    table.get("cases").forEach(c -> {
      assertThat(c.path("source").asText()).as(c.get("id") + " cites its source").matches(".*\\.py .+");
      assertThat(c.get("comfyui").isArray() && !c.get("comfyui").isEmpty()).as(c.get("id") + " gives ComfyUI's messages").isTrue();
      assertThat(c.path("feed").asText()).as(c.get("id") + " says what the gateway is fed").isIn("live", "documents");
      if (c.has("darkroom")) {
        assertThat(c.at("/darkroom/difference").asText()).as(c.get("id") + " says why").isNotBlank();
        assertThat(readme).as("README lists " + c.get("id")).contains("`" + c.get("id").asText() + "`");
      }
    });
  }

  /** The engine's run cases are there both ways: as production runs, and as the fallback without a live stream. */
  @Test
  void theRunCasesRunWithAndWithoutTheLiveStream() {
    List<String> live = new ArrayList<>();
    List<String> documents = new ArrayList<>();
    table().get("cases").forEach(c -> (c.get("feed").asText().equals("live") ? live : documents).add(c.get("id").asText()));
    assertThat(live).contains("ws-live-success", "ws-live-cached", "ws-live-execution-error", "ws-live-execution-interrupted",
        "ws-live-save-image-websocket", "ws-live-preview", "ws-live-preview-metadata");
    assertThat(documents).contains("ws-success", "ws-cached", "ws-execution-error", "ws-execution-interrupted");
  }

  /** The job document after one runner event (or the submission), as the job-events function writes it. */
  private static Job next(Job job, JsonNode step, Instant now, JsonNode classTypes) {
    String kind = step.get("job").asText();
    if (kind.equals("queued")) {
      ObjectNode prompt = ComfyMessages.JSON.createObjectNode();
      classTypes.fields().forEachRemaining(n -> prompt.putObject(n.getKey()).put("class_type", n.getValue().asText()));
      return Job.queued(PROMPT_ID, USER, 1, prompt, ComfyMessages.JSON.createObjectNode(), "c1", now);
    }
    long sequence = job.lastSequence() + 1;
    return switch (kind) {
      case "dispatched" -> job.withStatus(JobStatus.DISPATCHED, now);
      case "running" -> job.withStatus(JobStatus.RUNNING, now);
      // A node starting is reported with max 0; a step with its value and max.
      case "node" -> job.afterEvent(JobStatus.RUNNING, sequence, new Progress(step.get("node").asText(), 0, 0),
          job.outputs(), null, 0, now);
      case "step" -> job.afterEvent(JobStatus.RUNNING, sequence,
          new Progress(step.get("node").asText(), step.get("value").asLong(), step.get("max").asLong()), job.outputs(), null, 0, now);
      case "succeeded" -> job.afterEvent(JobStatus.SUCCEEDED, sequence, null, outputs(step.get("outputs")), null, 1, now);
      case "failed" -> job.afterEvent(JobStatus.FAILED, sequence, null, List.of(),
          new JobError(step.get("error_type").asText(), step.get("message").asText(), step.get("node").asText()), 1, now);
      case "cancelled" -> job.afterEvent(JobStatus.CANCELLED, sequence, null, List.of(), null, 1, now);
      default -> throw new IllegalArgumentException("unknown step " + step);
    };
  }

  private static List<JobOutput> outputs(JsonNode files) {
    List<JobOutput> outputs = new ArrayList<>();
    files.forEach(f -> outputs.add(new JobOutput(f.get("node").asText(), "images", f.get("filename").asText(), "", "output",
        "outputs/" + USER + "/" + PROMPT_ID + "/" + f.get("filename").asText(), "image/png", 10, "00")));
    return outputs;
  }

  /** ComfyUI's messages without the types the gateway does not send yet (a documented difference). */
  private static JsonNode withoutOmitted(JsonNode messages, JsonNode omits) {
    Set<String> types = new java.util.HashSet<>();
    omits.get("types").forEach(t -> types.add(t.asText()));
    ArrayNode kept = ComfyMessages.JSON.createArrayNode();
    messages.forEach(m -> {
      if (!types.contains(m.get("type").asText())) {
        kept.add(m);
      }
    });
    return kept;
  }

  private static JsonNode table() {
    try (InputStream in = ComfyUiSocketConformanceTest.class.getResourceAsStream(TABLE)) {
      return ComfyMessages.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
