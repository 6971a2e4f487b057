package dev.darkroom.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.InputPaths;
import dev.darkroom.core.comfy.InputPaths.InputFile;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.OutputStore;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a job's uploaded inputs to the engine. The API keeps uploads in the bucket at
 * {@code inputs/{user}/…}; before the prompt runs, each file it loads (LoadImage's {@code image},
 * any {@code *_upload} input) is copied into the engine's input folder under
 * {@code darkroom/{jobId}/} and the prompt is pointed at that copy. One folder per job keeps users
 * apart on a shared engine and makes a re-run overwrite its own copies only. A value that names no
 * upload is left alone: the file may ship with the engine, and if not the engine says so.
 */
final class InputStager {
  private static final Logger log = LoggerFactory.getLogger(InputStager.class);

  /** The engine input folder's subfolder that staged files go under. */
  static final String STAGING_FOLDER = "darkroom";

  private final OutputStore bucket;
  private final JobStore jobs;
  private final PromptEngine engine;
  private final Retries retries;
  private NodeCatalog catalog;

  InputStager(OutputStore bucket, JobStore jobs, PromptEngine engine, Retries retries) {
    this.bucket = bucket;
    this.jobs = jobs;
    this.engine = engine;
    this.retries = retries;
  }

  /**
   * What to run: the job's own prompt (read from beside the job, where the store keeps it), with
   * every uploaded input staged and renamed, and its {@code extra_data}.
   */
  PromptRequest stage(Job job) throws EngineUnavailableException, InterruptedException {
    JobPrompt stored = job.prompt() != null ? JobPrompt.of(job)
        : retries.<Optional<JobPrompt>>executor().get(() -> jobs.promptOf(job.id()))
            .orElseThrow(() -> new IllegalStateException("job " + job.id() + " has no stored prompt"));
    return new PromptRequest(job.id(), staged(job, stored.prompt()), stored.extraData());
  }

  private ObjectNode staged(Job job, ObjectNode original) throws EngineUnavailableException, InterruptedException {
    ObjectNode prompt = original.deepCopy();
    Map<String, String> staged = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> nodes = prompt.fields(); nodes.hasNext(); ) {
      JsonNode node = nodes.next().getValue();
      if (!(node.path("inputs") instanceof ObjectNode inputs)) {
        continue;
      }
      for (String input : catalog().inputFileInputs(node.path("class_type").asText())) {
        JsonNode value = inputs.get(input);
        if (value == null || !value.isTextual()) {
          continue;
        }
        Optional<InputFile> upload = InputPaths.parseAnnotated(value.asText());
        if (upload.isEmpty()) {
          continue;
        }
        String objectName = upload.get().objectName(job.userId());
        String reference = staged.get(objectName);
        if (reference == null) {
          reference = copy(job, upload.get(), objectName);
          if (reference == null) {
            continue;
          }
          staged.put(objectName, reference);
        }
        inputs.put(input, reference);
      }
    }
    if (!staged.isEmpty()) {
      log.info("job {}: staged {} uploaded input(s) on the engine", job.id(), staged.size());
    }
    return prompt;
  }

  private String copy(Job job, InputFile upload, String objectName)
      throws EngineUnavailableException, InterruptedException {
    Optional<byte[]> content = retries.<Optional<byte[]>>executor().get(() -> bucket.read(objectName));
    if (content.isEmpty()) {
      return null;
    }
    String subfolder = STAGING_FOLDER + "/" + job.id() + (upload.subfolder().isEmpty() ? "" : "/" + upload.subfolder());
    return engine.uploadInput(subfolder, upload.name(), content.get());
  }

  /** The engine's own catalog, read once: which inputs name input files depends on its nodes. */
  private NodeCatalog catalog() throws EngineUnavailableException, InterruptedException {
    if (catalog == null) {
      catalog = NodeCatalog.fromPublished(engine.objectInfo());
    }
    return catalog;
  }
}
