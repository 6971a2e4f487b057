package dev.darkroom.realtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.OutputPaths;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.limits.InputLimits;
import java.util.List;

/**
 * ComfyUI's WebSocket text frames, {@code {"type": T, "data": D}}, with exactly the fields ComfyUI
 * sends (COMFYUI_API.md §7). Timestamps are epoch milliseconds, as ComfyUI's are.
 */
final class ComfyMessages {
  static final ObjectMapper JSON = new ObjectMapper();

  private ComfyMessages() {}

  /** {@code status}; {@code sid} only in the greeting of a new socket (null otherwise). */
  static ObjectNode status(int queueRemaining, String sid) {
    ObjectNode data = JSON.createObjectNode();
    data.putObject("status").putObject("exec_info").put("queue_remaining", queueRemaining);
    if (sid != null) {
      data.put("sid", sid);
    }
    return message("status", data);
  }

  static ObjectNode executionStart(String promptId, long timestamp) {
    return message("execution_start", JSON.createObjectNode().put("prompt_id", promptId).put("timestamp", timestamp));
  }

  /** Nothing is ever reported cached: each job runs on a fresh ComfyUI or one that ran other work. */
  static ObjectNode executionCached(String promptId, long timestamp) {
    ObjectNode data = JSON.createObjectNode();
    data.putArray("nodes");
    data.put("prompt_id", promptId).put("timestamp", timestamp);
    return message("execution_cached", data);
  }

  /**
   * {@code executing}: a node started; {@code node == null} means the prompt is done, which ComfyUI
   * sends without {@code display_node} (main.py {@code prompt_worker}).
   */
  static ObjectNode executing(String node, String promptId) {
    ObjectNode data = JSON.createObjectNode().put("node", node);
    if (node != null) {
      data.put("display_node", node);
    }
    return message("executing", data.put("prompt_id", promptId));
  }

  /** The greeting's {@code executing}, for a client whose prompt is running: ComfyUI sends just the node. */
  static ObjectNode executingNodeOnly(String node) {
    return message("executing", JSON.createObjectNode().put("node", node));
  }

  static ObjectNode progress(Progress progress, String promptId) {
    return message("progress", JSON.createObjectNode()
        .put("value", progress.value()).put("max", progress.max())
        .put("prompt_id", promptId).put("node", progress.nodeId()));
  }

  /** {@code executed} of one output node: its files, grouped by kind, as history reports them. */
  static ObjectNode executed(String node, List<JobOutput> files, String promptId) {
    ObjectNode data = JSON.createObjectNode().put("node", node).put("display_node", node);
    ObjectNode output = data.putObject("output");
    for (JobOutput file : files) {
      ArrayNode kind = output.has(file.kind()) ? (ArrayNode) output.get(file.kind()) : output.putArray(file.kind());
      kind.addObject()
          .put("filename", file.filename())
          .put("subfolder", OutputPaths.publicSubfolder(promptId, file.subfolder()))
          .put("type", file.type());
    }
    data.put("prompt_id", promptId);
    return message("executed", data);
  }

  static ObjectNode executionSuccess(String promptId, long timestamp) {
    return message("execution_success", JSON.createObjectNode().put("prompt_id", promptId).put("timestamp", timestamp));
  }

  /**
   * Darkroom keeps no traceback or inputs of a failure: those are empty.
   *
   * @param executed the nodes that ran to the end before it (known from the engine's live frames; else empty)
   */
  static ObjectNode executionError(String promptId, String nodeId, String nodeType, String type, String message,
      List<String> executed, long timestamp) {
    ObjectNode data = JSON.createObjectNode().put("prompt_id", promptId).put("node_id", nodeId).put("node_type", nodeType);
    ArrayNode ran = data.putArray("executed");
    executed.forEach(ran::add);
    data.put("exception_message", message).put("exception_type", type);
    data.putArray("traceback");
    data.putObject("current_inputs");
    data.putArray("current_outputs");
    data.put("timestamp", timestamp);
    return message("execution_error", data);
  }

  /** @param executed as for {@link #executionError} */
  static ObjectNode executionInterrupted(String promptId, String nodeId, String nodeType, List<String> executed,
      long timestamp) {
    ObjectNode data = JSON.createObjectNode().put("prompt_id", promptId).put("node_id", nodeId).put("node_type", nodeType);
    ArrayNode ran = data.putArray("executed");
    executed.forEach(ran::add);
    data.put("timestamp", timestamp);
    return message("execution_interrupted", data);
  }

  /**
   * The answer to a client's {@code feature_flags}: previews with their metadata
   * ({@code PREVIEW_IMAGE_WITH_METADATA}) to a client that says it supports them, as ComfyUI does,
   * and the api's upload bound, which its {@code /features} gives too.
   */
  static ObjectNode featureFlags() {
    return message("feature_flags", JSON.createObjectNode().put("supports_preview_metadata", true)
        .put("max_upload_size", (double) InputLimits.UPLOAD_BODY_BYTES));
  }

  private static ObjectNode message(String type, ObjectNode data) {
    ObjectNode message = JSON.createObjectNode().put("type", type);
    message.set("data", data);
    return message;
  }
}
