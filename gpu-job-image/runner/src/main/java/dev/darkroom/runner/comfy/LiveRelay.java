package dev.darkroom.runner.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.darkroom.core.comfy.PreviewFrames;
import dev.darkroom.core.job.LiveFrame;
import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.core.port.JobLiveStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards the engine's WebSocket frames about one prompt, in the order it sent them, to the job's
 * {@link JobLiveStream}, for the realtime gateway to relay to the job's own client. The socket's
 * listener thread only appends to a window under a short lock; a writer thread of its own stores the
 * window, at most every {@link #WRITE_INTERVAL}: the engine's socket is never held up by the store.
 *
 * <p>What is kept, in sequence: every text message about the prompt except steps of a node that
 * come within {@link #STEP_INTERVAL} of its last kept step ({@code progress} and the
 * {@code progress_state} of the same step); a node's first step and its last ({@code value == max})
 * are always kept. Of the latent previews (binary JPEG frames) only the newest stays in the window,
 * so a follower sees at most one per write; the images a node sends as PNG ({@code SaveImageWebsocket})
 * are outputs and all stay, in order. The window keeps the newest {@link LiveWindow#MAX_FRAMES}
 * frames and {@link LiveWindow#MAX_BYTES} bytes; a frame larger than that alone is dropped, with a
 * warning.
 *
 * <p>Cost per job: at most {@code 1 / WRITE_INTERVAL} writes a second of a document under 1 MiB,
 * plus one when the prompt ends ({@link #close}, which marks the window complete).
 */
final class LiveRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveRelay.class);

  /** The store's sustained rate for one document is about one write a second: two, briefly, at most. */
  static final Duration WRITE_INTERVAL = Duration.ofMillis(500);
  /** A progress bar moves smoothly at four updates a second; an L4 takes several SD1.5 steps in that time. */
  static final Duration STEP_INTERVAL = Duration.ofMillis(250);
  /** How long the end of a prompt waits for its last write. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

  private final JobLiveStream stream;
  private final String jobId;
  private final String promptId;
  private final long run;
  private final LongSupplier nanos;
  private final ScheduledThreadPoolExecutor writer;

  private final Deque<LiveFrame> window = new ArrayDeque<>();
  private int windowBytes;
  private long sequence;
  private String currentNode;
  private final Map<String, Long> lastStepKept = new HashMap<>();
  private String lastStep;
  private boolean lastStepKeptDecision;
  private boolean writeScheduled;
  private long lastWriteNanos = Long.MIN_VALUE;
  private boolean closed;

  /**
   * @param jobId the job's store id (the document the window is written under)
   * @param promptId the id the engine runs the prompt under: frames naming another are not forwarded
   * @param run when this run started (epoch ms), so a follower tells a retried job's frames apart
   */
  LiveRelay(JobLiveStream stream, String jobId, String promptId, long run, LongSupplier nanos) {
    this.stream = stream;
    this.jobId = jobId;
    this.promptId = promptId;
    this.run = run;
    this.nanos = nanos;
    this.writer = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "live-relay-" + jobId);
      thread.setDaemon(true);
      return thread;
    });
    // A write still waiting when the prompt ends is superseded by the final one.
    writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  static LiveRelay start(JobLiveStream stream, String jobId, String promptId) {
    return new LiveRelay(stream, jobId, promptId, System.currentTimeMillis(), System::nanoTime);
  }

  /** A text frame the engine sent; called on the socket's listener thread. */
  synchronized void text(JsonNode message, String raw) {
    JsonNode data = message.path("data");
    if (closed || !promptId.equals(data.path("prompt_id").asText(null))) {
      return;
    }
    String type = message.path("type").asText();
    switch (type) {
      case "executing" -> currentNode = data.path("node").isNull() ? null : data.path("node").asText(null);
      case "progress" -> {
        if (!keepStep(data.path("node").asText(currentNode), data.path("value").asLong(), data.path("max").asLong())) {
          return;
        }
      }
      case "progress_state" -> {
        JsonNode running = data.path("nodes").path(currentNode == null ? "" : currentNode);
        if (running.isObject() && "running".equals(running.path("state").asText())
            && !keepStep(currentNode, running.path("value").asLong(), running.path("max").asLong())) {
          return;
        }
      }
      default -> { }
    }
    append(LiveFrame.text(++sequence, raw, currentNode));
  }

  /** A binary frame the engine sent (4-byte event type, then its payload); on the socket's thread. */
  synchronized void binary(byte[] frame) {
    if (closed || frame.length < 4) {
      return;
    }
    if (isLatentPreview(frame)) {
      // Only the newest preview matters to a viewer: an older one still waiting is replaced.
      window.removeIf(f -> {
        boolean preview = f.isBinary() && isLatentPreview(f.binary());
        if (preview) {
          windowBytes -= f.size();
        }
        return preview;
      });
    }
    append(LiveFrame.binary(++sequence, frame, currentNode));
  }

  /** A preview of work in progress, as opposed to an image a node sends as its result. */
  static boolean isLatentPreview(byte[] frame) {
    if (ByteBuffer.wrap(frame).getInt() == PreviewFrames.PREVIEW_IMAGE_WITH_METADATA) {
      return true;
    }
    return PreviewFrames.imageOf(frame).map(image -> image.type() == PreviewFrames.JPEG).orElse(false);
  }

  /**
   * Whether a step of a node goes out: its first and last always, others at most every
   * {@link #STEP_INTERVAL}. The same step asked again (its {@code progress} after its
   * {@code progress_state}) gets the same answer.
   */
  private boolean keepStep(String node, long value, long max) {
    String step = node + "@" + value + "/" + max;
    if (step.equals(lastStep)) {
      return lastStepKeptDecision;
    }
    long now = nanos.getAsLong();
    Long last = lastStepKept.get(node);
    boolean keep = value <= 1 || value >= max || last == null || now - last >= STEP_INTERVAL.toNanos();
    if (keep) {
      lastStepKept.put(node, now);
    }
    lastStep = step;
    lastStepKeptDecision = keep;
    return keep;
  }

  private void append(LiveFrame frame) {
    if (frame.size() > LiveWindow.MAX_BYTES) {
      log.warn("job {}: a frame of {} bytes from node {} is too large to relay live; dropped", jobId,
          frame.size(), frame.nodeId());
      return;
    }
    window.addLast(frame);
    windowBytes += frame.size();
    while (window.size() > LiveWindow.MAX_FRAMES || windowBytes > LiveWindow.MAX_BYTES) {
      windowBytes -= window.removeFirst().size();
    }
    if (!writeScheduled) {
      writeScheduled = true;
      long wait = lastWriteNanos == Long.MIN_VALUE ? 0
          : Math.max(0, lastWriteNanos + WRITE_INTERVAL.toNanos() - nanos.getAsLong());
      writer.schedule(this::write, wait, TimeUnit.NANOSECONDS);
    }
  }

  /** On the writer thread: stores the window as it is now. A failed write is dropped; the next one carries its frames. */
  private void write() {
    LiveWindow current;
    synchronized (this) {
      writeScheduled = false;
      lastWriteNanos = nanos.getAsLong();
      current = new LiveWindow(run, List.copyOf(window), closed);
    }
    try {
      stream.write(jobId, current);
    } catch (RuntimeException e) {
      log.warn("job {}: could not store its live frames up to {}: {}", jobId, current.lastSequence(), e.toString());
    }
  }

  /**
   * The prompt ended: the window is written once more, complete, waiting up to {@link #CLOSE_WAIT}.
   * A prompt the engine never said anything about (refused, or followed by polling only) writes nothing.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (sequence == 0) {
        writer.shutdown();
        return;
      }
    }
    try {
      writer.submit(this::write).get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("job {}: its last live frames were not stored: {}", jobId, e.toString());
    } finally {
      writer.shutdown();
    }
  }
}
