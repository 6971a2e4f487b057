package dev.darkroom.runner;

import dev.darkroom.core.job.Progress;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What the runner needs from the engine that executes prompts (ComfyUI, through
 * {@link dev.darkroom.runner.comfy.ComfyClient}). Kept small so that the orchestration can be tested
 * against a scripted fake.
 */
public interface PromptEngine {

  /** Returns once the engine answers; throws if it does not within {@code timeout}. */
  void awaitReady(Duration timeout) throws EngineUnavailableException, InterruptedException;

  /**
   * Runs one prompt to its end. {@code progress} is called, possibly from another thread, while it
   * runs, and never after this method returns.
   */
  PromptOutcome run(PromptRequest request, Consumer<Progress> progress)
      throws EngineUnavailableException, InterruptedException;

  /** The engine's node catalog, ComfyUI's {@code GET /object_info}. */
  ObjectNode objectInfo() throws EngineUnavailableException, InterruptedException;

  /** The task was paused and runs again: time spent paused must not count as a stalled prompt. */
  default void resumed() {}

  /**
   * Asks the engine to stop the job's prompt if it is running; best effort, never throws.
   *
   * @param jobId the job's store id, as in {@link PromptRequest#promptId}
   */
  void interrupt(String jobId);

  /**
   * Puts a file into the engine's input folder (ComfyUI's {@code POST /upload/image}, overwriting)
   * and returns the value a prompt names it by ({@code subfolder/filename}).
   */
  String uploadInput(String subfolder, String filename, byte[] content)
      throws EngineUnavailableException, InterruptedException;

  /** The bytes of one output; the caller closes the stream. */
  InputStream open(OutputFile file) throws IOException;
}
