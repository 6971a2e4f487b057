package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.usecase.PromptValidation.PromptError;

/** Error bodies in ComfyUI's shape: {@code {"error": {type, message, details, extra_info}, "node_errors": {...}}}. */
final class ComfyErrors {
  private ComfyErrors() {}

  static ObjectNode body(ObjectMapper json, PromptError error, ObjectNode nodeErrors) {
    ObjectNode body = json.createObjectNode();
    ObjectNode e = body.putObject("error");
    e.put("type", error.type());
    e.put("message", error.message());
    e.put("details", error.details());
    e.set("extra_info", error.extraInfo() != null ? error.extraInfo() : json.createObjectNode());
    body.set("node_errors", nodeErrors != null ? nodeErrors : json.createObjectNode());
    return body;
  }

  static PromptError noPrompt() {
    return PromptError.of("no_prompt", "No prompt provided", "No prompt provided");
  }

  static PromptError invalidBody(String why) {
    return PromptError.of("invalid_prompt", "Invalid prompt", why);
  }

  static PromptError invalidPromptId(String value) {
    return PromptError.of("invalid_prompt_id", "Invalid prompt_id",
        "prompt_id must be a lowercase canonical UUID, got '" + value + "'");
  }
}
