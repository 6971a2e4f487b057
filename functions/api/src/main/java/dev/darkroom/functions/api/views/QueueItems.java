package dev.darkroom.functions.api.views;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.functions.api.http.Replies;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A job as ComfyUI's queue item: {@code [number, prompt_id, prompt, extra_data, outputs_to_execute]}. */
public final class QueueItems {
  private QueueItems() {}

  public static ArrayNode of(Job job) {
    ArrayNode item = Replies.JSON.createArrayNode();
    item.add(QueueNumbers.asJson(Replies.JSON, job.number()));
    item.add(job.id());
    item.add(job.prompt());
    item.add(job.extraData());
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
