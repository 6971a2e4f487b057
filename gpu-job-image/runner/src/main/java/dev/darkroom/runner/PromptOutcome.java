package dev.darkroom.runner;

import dev.darkroom.core.job.JobError;
import java.time.Duration;
import java.util.List;

/** How a prompt ended on the engine. */
public sealed interface PromptOutcome {

  /**
   * Ran to the end; {@code outputs} lists every file it produced (not yet uploaded) and
   * {@code texts} every string it showed (ComfyUI's {@code text} outputs).
   */
  record Completed(List<OutputFile> outputs, List<OutputText> texts) implements PromptOutcome {
    public Completed {
      outputs = List.copyOf(outputs);
      texts = List.copyOf(texts);
    }

    public Completed(List<OutputFile> outputs) {
      this(outputs, List.of());
    }
  }

  /** Rejected by validation or failed while running, with the engine's own error. */
  record Failed(JobError error) implements PromptOutcome {}

  /** Stopped by an interrupt (ours on shutdown, or anyone's). */
  record Interrupted() implements PromptOutcome {}

  /** No sign of progress for {@code idle}: the watchdog interrupted it. */
  record TimedOut(Duration idle) implements PromptOutcome {}
}
