package dev.darkroom.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.darkroom.core.comfy.PreviewFrames;
import dev.darkroom.core.job.LiveFrame;
import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.core.port.JobLiveStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's frames about one prompt as the runner's {@code comfy/LiveRelay} writes them to the
 * job's live window (gpu-job-image/runner, which this module cannot depend on): only text messages
 * naming the prompt, numbered from 1 in the order the engine sent them, each with the node the last
 * {@code executing} named; of the latent previews (JPEG) only the newest stays in the window; the
 * last write marks it complete. LiveRelay's step thinning is not modelled: a test feeds only steps
 * it keeps (a node's first and last, or later than its {@code STEP_INTERVAL} after the one before).
 */
final class RunnerLiveWindow {
  private final JobLiveStream stream;
  private final String jobId;
  private final String enginePromptId;
  private final long run;
  private final List<LiveFrame> window = new ArrayList<>();
  private long sequence;
  private String currentNode;

  RunnerLiveWindow(JobLiveStream stream, String jobId, String enginePromptId, long run) {
    this.stream = stream;
    this.jobId = jobId;
    this.enginePromptId = enginePromptId;
    this.run = run;
  }

  /** A text frame as the engine sent it on the runner's socket. */
  void text(String raw) {
    JsonNode message;
    try {
      message = ComfyMessages.JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(raw, e);
    }
    JsonNode data = message.path("data");
    if (!enginePromptId.equals(data.path("prompt_id").asText(null))) {
      return;
    }
    if (message.path("type").asText().equals("executing")) {
      currentNode = data.path("node").isNull() ? null : data.path("node").asText(null);
    }
    window.add(LiveFrame.text(++sequence, raw, currentNode));
  }

  /** A binary frame as the engine sent it (4-byte event type, then its payload). */
  void binary(byte[] frame) {
    if (isLatentPreview(frame)) {
      window.removeIf(f -> f.isBinary() && isLatentPreview(f.binary()));
    }
    window.add(LiveFrame.binary(++sequence, frame, currentNode));
  }

  /** The runner's write of the window as it is now; {@code complete} when the prompt has ended. */
  void write(boolean complete) {
    stream.write(jobId, new LiveWindow(run, window, complete));
  }

  private static boolean isLatentPreview(byte[] frame) {
    return ByteBuffer.wrap(frame).getInt() == PreviewFrames.PREVIEW_IMAGE_WITH_METADATA
        || PreviewFrames.imageOf(frame).map(image -> image.type() == PreviewFrames.JPEG).orElse(false);
  }
}
