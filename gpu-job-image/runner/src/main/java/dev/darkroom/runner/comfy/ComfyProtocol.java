package dev.darkroom.runner.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.darkroom.core.job.JobError;
import dev.darkroom.runner.OutputFile;
import dev.darkroom.runner.OutputText;
import dev.darkroom.runner.PromptOutcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads ComfyUI's JSON (history entries, errors) into the runner's terms. Pure functions. */
final class ComfyProtocol {
  private ComfyProtocol() {}

  /**
   * How a finished prompt ended, from its {@code /history/{id}} entry: {@code status.status_str}
   * says success or error, and for an error the recorded messages say which.
   */
  static PromptOutcome outcomeOf(JsonNode entry) {
    JsonNode status = entry.path("status");
    String statusStr = status.path("status_str").asText("success");
    if (statusStr.equals("success")) {
      return new PromptOutcome.Completed(outputFiles(entry.path("outputs")), outputTexts(entry.path("outputs")));
    }
    for (JsonNode message : status.path("messages")) {
      String event = message.path(0).asText();
      if (event.equals("execution_error")) {
        return new PromptOutcome.Failed(executionError(message.path(1)));
      }
      if (event.equals("execution_interrupted")) {
        return new PromptOutcome.Interrupted();
      }
    }
    return new PromptOutcome.Failed(JobError.of("comfyui_" + statusStr,
        "ComfyUI recorded the prompt as '" + statusStr + "' without saying why"));
  }

  /**
   * Every file in a history entry's {@code outputs}: under each node, any array of objects that
   * have a {@code filename} ({@code images}, {@code gifs}, {@code audio}, {@code video}, custom
   * kinds...). Arrays of plain values ({@code text}, {@code animated}) are not files. A file listed
   * twice (e.g. by a cached node) is listed once.
   */
  static List<OutputFile> outputFiles(JsonNode outputs) {
    List<OutputFile> files = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> nodes = outputs.fields(); nodes.hasNext(); ) {
      Map.Entry<String, JsonNode> node = nodes.next();
      for (Iterator<Map.Entry<String, JsonNode>> kinds = node.getValue().fields(); kinds.hasNext(); ) {
        Map.Entry<String, JsonNode> kind = kinds.next();
        if (!kind.getValue().isArray()) {
          continue;
        }
        for (JsonNode item : kind.getValue()) {
          if (!item.isObject() || !item.path("filename").isTextual()) {
            continue;
          }
          OutputFile file = new OutputFile(node.getKey(), kind.getKey(), item.get("filename").asText(),
              item.path("subfolder").asText(""), item.path("type").asText("output"));
          if (seen.add(file.type() + "/" + file.subfolder() + "/" + file.filename())) {
            files.add(file);
          }
        }
      }
    }
    return List.copyOf(files);
  }

  /**
   * Every string a history entry's {@code outputs} shows: arrays made only of strings, such as
   * the {@code text} of ComfyUI's preview nodes.
   */
  static List<OutputText> outputTexts(JsonNode outputs) {
    List<OutputText> texts = new ArrayList<>();
    outputs.fields().forEachRemaining(node -> node.getValue().fields().forEachRemaining(kind -> {
      JsonNode items = kind.getValue();
      if (!items.isArray() || items.isEmpty()) {
        return;
      }
      for (JsonNode item : items) {
        if (!item.isTextual()) {
          return;
        }
      }
      for (int i = 0; i < items.size(); i++) {
        texts.add(new OutputText(node.getKey(), kind.getKey(), i, items.get(i).asText()));
      }
    }));
    return List.copyOf(texts);
  }

  /** The data of an {@code execution_error} message (WebSocket or history: same shape). */
  static JobError executionError(JsonNode data) {
    String nodeId = data.path("node_id").isNull() || data.path("node_id").isMissingNode()
        ? null : data.path("node_id").asText();
    String message = data.path("exception_message").asText("").strip();
    return new JobError(data.path("exception_type").asText("execution_error"), message, nodeId);
  }

  /**
   * Why {@code POST /prompt} refused a prompt: ComfyUI's {@code error} (its {@code type} becomes
   * ours) and, folded into the message, each node's errors. The first failing node is named.
   */
  static JobError rejection(int httpStatus, JsonNode body) {
    JsonNode error = body.path("error");
    if (!error.isObject()) {
      return JobError.of("comfyui_http_" + httpStatus,
          "ComfyUI refused the prompt with HTTP " + httpStatus
              + (body.isMissingNode() ? "" : ": " + abbreviate(body.toString())));
    }
    StringBuilder message = new StringBuilder(error.path("message").asText("prompt refused"));
    String details = error.path("details").asText("");
    if (!details.isBlank()) {
      message.append(": ").append(details.strip());
    }
    String firstNode = null;
    for (Iterator<Map.Entry<String, JsonNode>> nodes = body.path("node_errors").fields(); nodes.hasNext(); ) {
      Map.Entry<String, JsonNode> node = nodes.next();
      if (firstNode == null) {
        firstNode = node.getKey();
      }
      for (JsonNode nodeError : node.getValue().path("errors")) {
        message.append("\nnode ").append(node.getKey());
        String classType = node.getValue().path("class_type").asText("");
        if (!classType.isEmpty()) {
          message.append(" (").append(classType).append(')');
        }
        message.append(": ").append(nodeError.path("message").asText(""));
        String nodeDetails = nodeError.path("details").asText("");
        if (!nodeDetails.isBlank()) {
          message.append(": ").append(nodeDetails.strip());
        }
      }
    }
    return new JobError(error.path("type").asText("comfyui_http_" + httpStatus), message.toString(), firstNode);
  }

  static String abbreviate(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500) + "…";
  }
}
