package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.limits.InputLimits;

/**
 * ComfyUI's top-level error for a refused prompt: {@code {type, message, details, extra_info}}.
 * The factories are the errors Darkroom's own checks answer with, each written once.
 */
public record PromptError(String type, String message, String details, ObjectNode extraInfo) {

  /** Darkroom's own type for a prompt past one of {@link InputLimits}' bounds; ComfyUI has no such limits. */
  public static final String TOO_LARGE = "prompt_too_large";

  public static PromptError of(String type, String message, String details) {
    return new PromptError(type, message, details, JsonNodeFactory.instance.objectNode());
  }

  public boolean tooLarge() {
    return TOO_LARGE.equals(type);
  }

  public static PromptError noPrompt() {
    return of("no_prompt", "No prompt provided", "No prompt provided");
  }

  public static PromptError invalidBody(String why) {
    return of("invalid_prompt", "Invalid prompt", why);
  }

  public static PromptError tooLarge(String why) {
    return of(TOO_LARGE, "Prompt too large", why);
  }

  public static PromptError invalidPromptId(String value) {
    return of("invalid_prompt_id", "Invalid prompt_id",
        "prompt_id must be a lowercase canonical UUID, got '" + InputLimits.shown(value) + "'");
  }

  /** ComfyUI's first check, on every node whether reachable or not. */
  public static PromptError missingClassType(String nodeId) {
    return of("invalid_prompt", "Cannot execute because a node is missing the class_type property.",
        "Node ID '#" + nodeId + "'");
  }
}
