package dev.darkroom.runner;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.port.OutputStore.StoredObject;
import dev.failsafe.FailsafeExecutor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Copies one output from the engine (or a text it showed) to the output store, at {@code outputs/{user}/{job}/{subfolder/}filename}.
 * A failed attempt starts over from the engine's copy: a half-read stream cannot be replayed.
 */
final class OutputUploader {
  private final PromptEngine engine;
  private final OutputStore store;
  private final FailsafeExecutor<StoredObject> retry;

  OutputUploader(PromptEngine engine, OutputStore store, FailsafeExecutor<StoredObject> retry) {
    this.engine = engine;
    this.store = store;
    this.retry = retry;
  }

  /** @throws RuntimeException if the output could not be stored, even after retries */
  JobOutput upload(Job job, OutputFile file) {
    String objectName = objectName(job, file);
    String contentType = ContentTypes.forFilename(file.filename());
    StoredObject stored = retry.get(() -> {
      try (InputStream content = engine.open(file)) {
        return store.put(objectName, contentType, content);
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + file.filename() + " from the engine", e);
      }
    });
    return new JobOutput(file.nodeId(), file.kind(), file.filename(), file.subfolder(), file.type(),
        stored.objectName(), stored.contentType(), stored.size(), stored.sha256());
  }

  /**
   * A text output is kept twice: whole as a {@code .txt} object, like any output, and inline on
   * the job (up to {@link JobOutput#MAX_INLINE_TEXT} characters), as ComfyUI's history shows it.
   *
   * @throws RuntimeException if the text could not be stored, even after retries
   */
  JobOutput uploadText(Job job, OutputText text) {
    String filename = text.nodeId() + "_" + text.kind() + "_" + text.index() + ".txt";
    String objectName = objectName(job, new OutputFile(text.nodeId(), text.kind(), filename, "", "text"));
    byte[] bytes = text.text().getBytes(StandardCharsets.UTF_8);
    StoredObject stored = retry.get(() -> store.put(objectName, "text/plain; charset=utf-8", new ByteArrayInputStream(bytes)));
    return JobOutput.text(text.nodeId(), text.kind(), filename, stored.objectName(), stored.size(), stored.sha256(),
        text.text());
  }

  static String objectName(Job job, OutputFile file) {
    StringBuilder name = new StringBuilder("outputs/").append(job.userId()).append('/').append(job.id()).append('/');
    String subfolder = file.subfolder() == null ? "" : file.subfolder();
    for (String segment : subfolder.split("/")) {
      if (!segment.isEmpty()) {
        name.append(safeSegment(segment, file)).append('/');
      }
    }
    return name.append(safeSegment(file.filename(), file)).toString();
  }

  /** ComfyUI keeps outputs inside its output directory; anything else is not ours to store. */
  private static String safeSegment(String segment, OutputFile file) {
    if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("\\")
        || segment.contains("/")) {
      throw new IllegalArgumentException("refusing output path " + file.subfolder() + "/" + file.filename());
    }
    return segment;
  }
}
