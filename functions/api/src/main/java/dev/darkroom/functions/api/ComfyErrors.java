package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.usecase.PromptValidation.PromptError;

/** Error bodies in ComfyUI's shape: {@code {"error": {type, message, details, extra_info}, "node_errors": {...}}}. */
final class ComfyErrors {
  /** Darkroom's own type for a prompt past one of {@link InputLimits}' bounds; ComfyUI has no such limits. */
  static final String TOO_LARGE = "prompt_too_large";
  static final int SHOWN_CHARS = 100;

  private ComfyErrors() {}

  /** The status to answer an error with: 413 for {@link #TOO_LARGE}, ComfyUI's 400 for every other. */
  static int status(PromptError error) {
    return TOO_LARGE.equals(error.type()) ? 413 : 400;
  }

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

  static PromptError tooLarge(String why) {
    return PromptError.of(TOO_LARGE, "Prompt too large", why);
  }

  static PromptError invalidPromptId(String value) {
    return PromptError.of("invalid_prompt_id", "Invalid prompt_id",
        "prompt_id must be a lowercase canonical UUID, got '" + shown(value) + "'");
  }

  /** A client's value quoted in a message: at most {@value #SHOWN_CHARS} characters of it. */
  static String shown(String value) {
    return value.codePointCount(0, value.length()) <= SHOWN_CHARS ? value
        : value.substring(0, value.offsetByCodePoints(0, SHOWN_CHARS)) + "…";
  }
}
