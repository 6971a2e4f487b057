package dev.darkroom.runner.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.Progress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the WebSocket has told us about one prompt, shared between the socket's listener thread
 * (which writes) and the thread following the prompt (which reads and waits). Frames about other
 * prompts, or about none, are ignored. The first end signal wins: ComfyUI sends
 * {@code execution_error} before its {@code executing null}, and the error is what counts.
 */
final class PromptWatch {
  private static final Logger log = LoggerFactory.getLogger(PromptWatch.class);

  /** What the socket said about the end of the prompt. */
  sealed interface Signal {
    /** It ended without an error: its history entry has (or is about to have) the outcome. */
    record Finished() implements Signal {}

    record Errored(JobError error) implements Signal {}

    record Interrupted() implements Signal {}
  }

  private final String promptId;
  /** Guards {@link #progress} apart from the state, so a slow listener never stalls the watchdog. */
  private final Object progressLock = new Object();
  private Consumer<Progress> progress;
  /** Where the engine's frames go live; guarded by {@link #progressLock} like {@link #progress}. */
  private LiveRelay relay;
  private Signal signal;
  private long lastActivityNanos = System.nanoTime();

  PromptWatch(String promptId, Consumer<Progress> progress) {
    this(promptId, progress, null);
  }

  /** @param relay where every frame about the prompt is forwarded live, or null */
  PromptWatch(String promptId, Consumer<Progress> progress, LiveRelay relay) {
    this.promptId = promptId;
    this.progress = progress;
    this.relay = relay;
  }

  /** A text frame, as read and as sent, for the live relay (which keeps those about this prompt). */
  void forward(JsonNode frame, String raw) {
    synchronized (progressLock) {
      if (relay != null) {
        relay.text(frame, raw);
      }
    }
  }

  /**
   * A binary frame: ComfyUI sends them only to the socket of the prompt running (its client id is
   * this prompt's own), so they are about this prompt.
   */
  void forwardBinary(byte[] frame) {
    synchronized (progressLock) {
      if (relay != null) {
        relay.binary(frame);
      }
    }
  }

  /** A text frame, {@code {"type": T, "data": D}}; called on the socket's listener thread. */
  void onFrame(JsonNode frame) {
    JsonNode data = frame.path("data");
    if (!promptId.equals(data.path("prompt_id").asText(null))) {
      return;
    }
    synchronized (this) {
      lastActivityNanos = System.nanoTime();
    }
    switch (frame.path("type").asText()) {
      case "progress" -> deliver(new Progress(data.path("node").asText(null),
          data.path("value").asLong(), data.path("max").asLong()));
      case "executing" -> {
        if (data.path("node").isNull()) {
          end(new Signal.Finished());
        } else {
          // A node started: reported as progress 0 of 0, so followers can say which node runs.
          deliver(new Progress(data.path("node").asText(), 0, 0));
        }
      }
      // Not an end: ComfyUI writes history after execution_success and only promises it by the
      // final executing {node: null}; reading it earlier finds nothing and costs a poll interval.
      case "execution_error" -> end(new Signal.Errored(ComfyProtocol.executionError(data)));
      case "execution_interrupted" -> end(new Signal.Interrupted());
      default -> { }
    }
  }

  private void deliver(Progress update) {
    synchronized (progressLock) {
      if (progress == null) {
        return;
      }
      try {
        progress.accept(update);
      } catch (RuntimeException e) {
        log.warn("progress listener failed for prompt {}: {}", promptId, e.toString());
      }
    }
  }

  private synchronized void end(Signal ending) {
    if (signal == null) {
      signal = ending;
      notifyAll();
    }
  }

  /** The prompt was accepted (or the task resumed after a pause): the idle clock starts now. */
  synchronized void restartIdleClock() {
    lastActivityNanos = System.nanoTime();
  }

  synchronized Duration idleFor() {
    return Duration.ofNanos(System.nanoTime() - lastActivityNanos);
  }

  synchronized Signal signal() {
    return signal;
  }

  /**
   * Waits up to {@code timeout} for the signal to differ from {@code seen}, the one the caller last
   * looked at: a signal that came in since returns at once instead of being slept through.
   * Returns the signal, or null if there is none.
   */
  synchronized Signal awaitNews(Signal seen, Duration timeout) throws InterruptedException {
    Signal before = seen;
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left = timeout.toNanos(); signal == before && left > 0; left = deadline - System.nanoTime()) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return signal;
  }

  /** Once this returns, no more progress or frames are delivered (one being delivered has finished). */
  void close() {
    synchronized (progressLock) {
      progress = null;
      relay = null;
    }
  }
}
