package dev.darkroom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A job as {@code /api/v2/jobs} shows it (openapi.yaml's {@code Job}), the fields this client uses. */
record Job(String id, String status, Integer queuePosition, Progress progress, List<Output> outputs, Error error) {
  /** The statuses a job never leaves. */
  static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled", "timed_out");

  /** Where the running node is: {@code value} of {@code max} (sampler steps, for a KSampler). */
  record Progress(String nodeId, long value, long max) {
    static Progress from(JsonNode node) {
      if (node == null || !node.isObject()) {
        return null;
      }
      return new Progress(node.path("node_id").asText(null), node.path("value").asLong(), node.path("max").asLong());
    }
  }

  /** One output file; {@code subfolder} starts with the job's id, as {@code /view} wants it. */
  record Output(String nodeId, String filename, String subfolder, String type) {
    static Output from(JsonNode node) {
      return new Output(node.path("node_id").asText(null), node.path("filename").asText(),
          node.path("subfolder").asText(""), node.path("type").asText("output"));
    }
  }

  /** Why a job did not succeed, as ComfyUI reported it. */
  record Error(String type, String message, String nodeId) {}

  static Job from(JsonNode node) {
    List<Output> outputs = new ArrayList<>();
    node.path("outputs").forEach(output -> outputs.add(Output.from(output)));
    JsonNode error = node.path("error");
    JsonNode position = node.path("queue_position");
    return new Job(node.path("id").asText(), node.path("status").asText(),
        position.isNumber() ? position.asInt() : null, Progress.from(node.get("progress")), List.copyOf(outputs),
        error.isObject() ? new Error(error.path("type").asText(null), error.path("message").asText(null),
            error.path("node_id").asText(null)) : null);
  }

  boolean ended() {
    return TERMINAL.contains(status);
  }
}
