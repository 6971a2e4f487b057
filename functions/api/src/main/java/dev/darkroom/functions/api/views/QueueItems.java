package dev.darkroom.functions.api.views;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.functions.api.http.Replies;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job as ComfyUI's queue item: {@code [number, prompt_id, prompt, extra_data, outputs_to_execute]}.
 * The prompt is stored beside the job ({@link JobStore#promptsOf}), so a listing reads the prompts
 * of the jobs it shows, all in one read.
 */
public final class QueueItems {
  private QueueItems() {}

  /** Each of {@code jobs} as a queue item, in their order, with the prompts read in one go. */
  public static List<ArrayNode> of(JobStore store, List<Job> jobs) {
    Map<String, JobPrompt> prompts = store.promptsOf(jobs);
    return jobs.stream().map(job -> of(job, prompts.get(job.id()))).toList();
  }

  /** @param prompt the job's prompt, or null if it has none stored (the item shows nulls, never fails) */
  public static ArrayNode of(Job job, JobPrompt prompt) {
    ArrayNode item = Replies.JSON.createArrayNode();
    item.add(QueueNumbers.asJson(Replies.JSON, job.number()));
    item.add(job.promptId());
    item.add(prompt == null ? null : prompt.prompt());
    item.add(prompt == null ? null : prompt.extraData());
    ArrayNode toExecute = item.addArray();
    outputsToExecute(job).forEach(toExecute::add);
    return item;
  }

  /**
   * What validation chose; a job accepted before any catalog was published (structural check
   * only) has none recorded, so the nodes that produced outputs stand in.
   */
  static List<String> outputsToExecute(Job job) {
    if (!job.outputsToExecute().isEmpty()) {
      return job.outputsToExecute();
    }
    Set<String> nodes = new LinkedHashSet<>();
    job.outputs().stream().map(JobOutput::nodeId).forEach(nodes::add);
    return List.copyOf(nodes);
  }
}
