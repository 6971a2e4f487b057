package dev.darkroom.runner.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.comfy.PreviewFrames;
import dev.darkroom.core.job.LiveFrame;
import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.testing.InMemoryJobLiveStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the runner keeps of the engine's frames for a job's live followers. */
class LiveRelayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JOB = "job-1";
  private static final String PROMPT = "0b6f3c1e-2d4a-4e5f-8a9b-1c2d3e4f5a6b";

  private final InMemoryJobLiveStream stream = new InMemoryJobLiveStream();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final LiveRelay relay = new LiveRelay(stream, JOB, PROMPT, 42L, nanos::get);

  private void text(String type, String data) {
    String raw = "{\"type\":\"" + type + "\",\"data\":" + data + "}";
    try {
      JsonNode message = JSON.readTree(raw);
      relay.text(message, raw);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void step(long value, long max) {
    text("progress_state", "{\"prompt_id\":\"" + PROMPT + "\",\"nodes\":{\"3\":{\"value\":" + value + ",\"max\":" + max
        + ",\"state\":\"running\",\"node_id\":\"3\"}}}");
    text("progress", "{\"value\":" + value + ",\"max\":" + max + ",\"prompt_id\":\"" + PROMPT + "\",\"node\":\"3\"}");
  }

  private void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  private LiveWindow closed() {
    relay.close();
    return stream.windowOf(JOB);
  }

  private static List<String> texts(LiveWindow window) {
    return window.frames().stream().map(f -> f.isBinary() ? "binary" : f.text().replaceAll(".*\"type\":\"([a-z_]+)\".*", "$1")
        + (f.text().contains("\"value\":") && f.text().contains("\"type\":\"progress\"")
            ? " " + f.text().replaceAll(".*\"value\":(\\d+),\"max\":(\\d+).*", "$1/$2") : "")).toList();
  }

  @Test
  void stepsOfANodeAreThinnedToOneAQuarterSecondKeepingTheFirstAndTheLast() {
    text("executing", "{\"node\":\"3\",\"display_node\":\"3\",\"prompt_id\":\"" + PROMPT + "\"}");
    for (int value = 1; value <= 20; value++) {
      step(value, 20);
      advance(Duration.ofMillis(100));
    }
    LiveWindow window = closed();

    assertThat(texts(window)).containsExactly("executing",
        "progress_state", "progress 1/20",
        "progress_state", "progress 4/20", // 300 ms after step 1
        "progress_state", "progress 7/20",
        "progress_state", "progress 10/20",
        "progress_state", "progress 13/20",
        "progress_state", "progress 16/20",
        "progress_state", "progress 19/20",
        "progress_state", "progress 20/20");
    assertThat(window.frames()).map(LiveFrame::sequence).isSorted().doesNotHaveDuplicates();
    assertThat(window.frames()).map(LiveFrame::nodeId).containsOnly("3");
    assertThat(window.complete()).isTrue();
    assertThat(window.run()).isEqualTo(42L);
  }

  @Test
  void onlyTheNewestLatentPreviewWaitsWhileImagesANodeSendsAllStayInOrder() {
    text("executing", "{\"node\":\"9\",\"display_node\":\"9\",\"prompt_id\":\"" + PROMPT + "\"}");
    byte[] preview1 = PreviewFrames.previewImage(PreviewFrames.JPEG, new byte[] {(byte) 0xff, (byte) 0xd8, 1});
    byte[] preview2 = PreviewFrames.previewImage(PreviewFrames.JPEG, new byte[] {(byte) 0xff, (byte) 0xd8, 2});
    byte[] png1 = PreviewFrames.previewImage(PreviewFrames.PNG, new byte[] {(byte) 0x89, 'P', 1});
    byte[] png2 = PreviewFrames.previewImage(PreviewFrames.PNG, new byte[] {(byte) 0x89, 'P', 2});
    relay.binary(preview1);
    relay.binary(png1);
    relay.binary(preview2);
    relay.binary(png2);
    LiveWindow window = closed();

    assertThat(window.frames()).filteredOn(LiveFrame::isBinary).map(LiveFrame::binary)
        .containsExactly(png1, preview2, png2);
    assertThat(window.frames()).filteredOn(LiveFrame::isBinary).map(LiveFrame::nodeId).containsOnly("9");
  }

  @Test
  void framesAboutAnotherPromptOrNoneAreNotForwarded() {
    text("status", "{\"status\":{\"exec_info\":{\"queue_remaining\":1}}}");
    text("executing", "{\"node\":\"4\",\"display_node\":\"4\",\"prompt_id\":\"someone-else\"}");
    text("execution_start", "{\"prompt_id\":\"" + PROMPT + "\",\"timestamp\":1}");
    LiveWindow window = closed();

    assertThat(texts(window)).containsExactly("execution_start");
    assertThat(window.frames().get(0).sequence()).isEqualTo(1);
  }

  @Test
  void aPromptTheEngineSaidNothingAboutWritesNothing() {
    relay.close();
    assertThat(stream.windowOf(JOB)).isEqualTo(LiveWindow.NONE);
  }

  @Test
  void theWindowKeepsItsNewestFramesWithinItsBounds() {
    for (int i = 0; i < LiveWindow.MAX_FRAMES + 10; i++) {
      text("executing", "{\"node\":\"" + i + "\",\"prompt_id\":\"" + PROMPT + "\"}");
    }
    relay.binary(PreviewFrames.previewImage(PreviewFrames.PNG, new byte[LiveWindow.MAX_BYTES])); // too large alone
    LiveWindow window = closed();

    assertThat(window.frames()).hasSize(LiveWindow.MAX_FRAMES);
    assertThat(window.frames().get(0).sequence()).isEqualTo(11);
    assertThat(window.lastSequence()).isEqualTo(LiveWindow.MAX_FRAMES + 10);
    assertThat(window.frames()).noneMatch(LiveFrame::isBinary);
  }
}
