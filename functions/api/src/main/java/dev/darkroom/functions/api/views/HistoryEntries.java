package dev.darkroom.functions.api.views;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.OutputPaths;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A finished job as a ComfyUI history entry:
 * {@code {prompt: [number, id, prompt, extra_data, outputs_to_execute], outputs, status, meta}}.
 *
 * <p>Each output's {@code subfolder} is prefixed with the job id: every GPU task's ComfyUI numbers
 * its files from {@code _00001_}, so names alone would collide across a user's jobs. Clients echo
 * {@code filename}/{@code subfolder}/{@code type} back to {@code /view}, which resolves them.
 */
public final class HistoryEntries {
  /** ComfyUI keeps at most this many history items; the same bound caps every listing here. */
  public static final int MAX_LISTED = 10_000;

  private HistoryEntries() {}

  /** @param prompt the job's prompt ({@link dev.darkroom.core.port.JobStore#promptOf}), or null if none is stored */
  public static ObjectNode entry(ObjectMapper json, Job job, JobPrompt prompt) {
    ObjectNode entry = json.createObjectNode();
    Set<String> outputNodes = new LinkedHashSet<>();
    job.outputs().forEach(o -> outputNodes.add(o.nodeId()));

    entry.set("prompt", QueueItems.of(job, prompt));

    ObjectNode outputs = entry.putObject("outputs");
    for (JobOutput o : job.outputs()) {
      ObjectNode node = outputs.has(o.nodeId()) ? (ObjectNode) outputs.get(o.nodeId()) : outputs.putObject(o.nodeId());
      ArrayNode items = node.has(o.kind()) ? (ArrayNode) node.get(o.kind()) : node.putArray(o.kind());
      if (o.text() != null) {
        // ComfyUI shows text outputs as the strings themselves.
        items.add(o.text());
        continue;
      }
      items.addObject()
          .put("filename", o.filename())
          .put("subfolder", OutputPaths.publicSubfolder(job.id(), o.subfolder()))
          .put("type", o.type());
    }

    boolean success = job.status() == JobStatus.SUCCEEDED;
    ObjectNode status = entry.putObject("status");
    status.put("status_str", success ? "success" : "error");
    status.put("completed", success);
    ArrayNode messages = status.putArray("messages");
    long created = job.createdAt().toEpochMilli();
    long ended = job.updatedAt().toEpochMilli();
    messages.addArray().add("execution_start").addObject().put("prompt_id", job.promptId()).put("timestamp", created);
    // ComfyUI always records which nodes it served from its cache, often none. Darkroom's runner
    // does not report them yet, so the message is there, truthfully shaped, with no nodes.
    ObjectNode cached = messages.addArray().add("execution_cached").addObject();
    cached.putArray("nodes");
    cached.put("prompt_id", job.promptId()).put("timestamp", created);
    terminal(messages.addArray().add(terminalMessage(job.status())).addObject(), job, prompt, ended);

    ObjectNode meta = entry.putObject("meta");
    for (String nodeId : outputNodes) {
      meta.putObject(nodeId).put("node_id", nodeId).put("display_node", nodeId)
          .putNull("parent_node").put("real_node_id", nodeId);
    }
    return entry;
  }

  /**
   * The terminal message's data with every key ComfyUI's has (execution.py
   * {@code handle_execution_error}). The job keeps no per-node record of a run: {@code executed},
   * {@code traceback}, {@code current_inputs} and {@code current_outputs} are empty, and an
   * interrupt's node (not kept) is null.
   */
  private static void terminal(ObjectNode data, Job job, JobPrompt prompt, long timestamp) {
    data.put("prompt_id", job.promptId());
    if (job.status() != JobStatus.SUCCEEDED) {
      String nodeId = job.error() == null ? null : job.error().nodeId();
      data.put("node_id", nodeId);
      data.put("node_type", nodeId == null || prompt == null ? null : prompt.prompt().path(nodeId).path("class_type").asText(null));
      data.putArray("executed");
      if (job.status() != JobStatus.CANCELLED) {
        data.put("exception_message", job.error() == null ? "" : job.error().message());
        data.put("exception_type", job.error() == null ? job.status().wireName() : job.error().type());
        data.putArray("traceback");
        data.putObject("current_inputs");
        data.putArray("current_outputs");
      }
    }
    data.put("timestamp", timestamp);
  }

  private static String terminalMessage(JobStatus status) {
    switch (status) {
      case SUCCEEDED:
        return "execution_success";
      case CANCELLED:
        return "execution_interrupted";
      default:
        return "execution_error";
    }
  }
}
