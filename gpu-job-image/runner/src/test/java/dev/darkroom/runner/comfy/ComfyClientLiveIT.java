package dev.darkroom.runner.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.comfyui.sim.SimulatedComfyUI;
import dev.darkroom.core.comfy.PreviewFrames;
import dev.darkroom.core.job.LiveFrame;
import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobLiveStream;
import dev.darkroom.runner.PromptOutcome;
import dev.darkroom.runner.PromptRequest;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's engine client against the simulated engine, in process: every frame the engine
 * sends about the prompt reaches the job's live stream, in the engine's order, thinned only where
 * {@link LiveRelay} says.
 */
class ComfyClientLiveIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private static SimulatedComfyUI engine;

  @BeforeAll
  static void startEngine() {
    // 60 ms a step: a 20-step sampler runs 1.2 s, long enough for several thinned steps.
    engine = SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(dataDir.resolve("engine"))
        .withStepTime(Duration.ofMillis(60)));
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  /** Every window written, in order. */
  private static final class RecordingLiveStream implements JobLiveStream {
    final List<LiveWindow> written = new CopyOnWriteArrayList<>();

    @Override
    public void write(String jobId, LiveWindow window) {
      written.add(window);
    }

    @Override
    public JobFeed.Subscription follow(String jobId, Listener listener) {
      throw new UnsupportedOperationException("the runner only writes");
    }

    /** Every frame any window held, by sequence. */
    Map<Long, LiveFrame> frames() {
      Map<Long, LiveFrame> all = new TreeMap<>();
      written.forEach(w -> w.frames().forEach(f -> all.put(f.sequence(), f)));
      return all;
    }
  }

  @Test
  void everyNodeStepAndPreviewOfA20StepRunReachesTheLiveStreamInOrder() throws Exception {
    RecordingLiveStream live = new RecordingLiveStream();
    ComfyClient client = new ComfyClient(new ComfyClient.Settings(URI.create(engine.baseUrl()), Duration.ofSeconds(30),
        Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(10)), JSON, live);
    ObjectNode prompt;
    try (InputStream in = ComfyClientLiveIT.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      prompt = (ObjectNode) JSON.readTree(in);
    }
    String jobId = UUID.randomUUID().toString();

    PromptOutcome outcome = client.run(new PromptRequest(jobId, prompt, null), progress -> { });

    assertThat(outcome).isInstanceOf(PromptOutcome.Completed.class);
    assertThat(live.written).as("at most two writes a second, plus the last").hasSizeLessThanOrEqualTo(8);
    assertThat(live.written.get(live.written.size() - 1).complete()).isTrue();
    assertThat(live.written).allMatch(w -> w.run() == live.written.get(0).run());
    Map<Long, LiveFrame> frames = live.frames();
    // Gaps in the numbers are previews a newer one replaced before they were written.
    assertThat(live.written).allMatch(w -> w.frames().stream()
        .filter(f -> f.isBinary() && LiveRelay.isLatentPreview(f.binary())).count() <= 1);
    assertThat(live.written.get(live.written.size() - 1).lastSequence()).isEqualTo(((TreeMap<Long, LiveFrame>) frames).lastKey());

    List<String> texts = new ArrayList<>();
    List<String> executing = new ArrayList<>();
    List<String> steps = new ArrayList<>();
    int previews = 0;
    for (LiveFrame frame : frames.values()) {
      if (frame.isBinary()) {
        assertThat(PreviewFrames.imageOf(frame.binary())).hasValueSatisfying(
            image -> assertThat(image.type()).isEqualTo(PreviewFrames.JPEG));
        assertThat(frame.nodeId()).isEqualTo("3");
        previews++;
        continue;
      }
      JsonNode message = JSON.readTree(frame.text());
      assertThat(message.at("/data/prompt_id").asText()).isEqualTo(jobId);
      String type = message.path("type").asText();
      texts.add(type);
      if (type.equals("executing")) {
        executing.add(message.at("/data/node").isNull() ? null : message.at("/data/node").asText());
      }
      if (type.equals("progress")) {
        steps.add(message.at("/data/value").asInt() + "/" + message.at("/data/max").asInt());
      }
    }
    assertThat(texts.subList(0, 2)).containsExactly("execution_start", "execution_cached");
    // Every node of the prompt, once, in the order the engine ran them (depth first from the output,
    // as ComfyUI's execution list does), then the end.
    assertThat(executing).containsExactly("4", "6", "7", "5", "3", "8", "9", null);
    assertThat(executing.subList(0, 7)).containsExactlyInAnyOrderElementsOf(() -> prompt.fieldNames());
    assertThat(steps).hasSizeGreaterThanOrEqualTo(4).startsWith("1/20").endsWith("20/20");
    assertThat(steps.stream().map(s -> Integer.parseInt(s.split("/")[0])).toList()).isSorted().doesNotHaveDuplicates();
    assertThat(texts).contains("progress_state", "executed", "execution_success");
    assertThat(texts.indexOf("execution_success")).isLessThan(texts.lastIndexOf("executing"));
    assertThat(previews).as("the newest preview of each write at least").isPositive().isLessThanOrEqualTo(steps.size() * 2);
  }
}
