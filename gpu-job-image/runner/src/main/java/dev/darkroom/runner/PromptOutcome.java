package dev.darkroom.runner;

import dev.darkroom.core.job.JobError;
import java.time.Duration;
import java.util.List;

/** How a prompt ended on the engine. */
public sealed interface PromptOutcome {

  /** Ran to the end; {@code outputs} lists every file it produced (not yet uploaded). */
  record Completed(List<OutputFile> outputs) implements PromptOutcome {
    public Completed {
      outputs = List.copyOf(outputs);
    }
  }

  /** Rejected by validation or failed while running, with the engine's own error. */
  record Failed(JobError error) implements PromptOutcome {}

  /** Stopped by an interrupt (ours on shutdown, or anyone's). */
  record Interrupted() implements PromptOutcome {}

  /** No sign of progress for {@code idle}: the watchdog interrupted it. */
  record TimedOut(Duration idle) implements PromptOutcome {}
}
