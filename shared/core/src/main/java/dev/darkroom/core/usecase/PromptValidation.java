package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The outcome of validating a prompt, shaped like ComfyUI's: a top-level {@code error} when the
 * prompt must be refused, and {@code node_errors} keyed by node id (which may be non-empty even
 * when the prompt is accepted, for outputs that were dropped).
 *
 * @param error null when the prompt is accepted
 */
public record PromptValidation(PromptError error, ObjectNode nodeErrors) {

  public static PromptValidation ok() {
    return new PromptValidation(null, JsonNodeFactory.instance.objectNode());
  }

  public static PromptValidation refused(PromptError error) {
    return new PromptValidation(error, JsonNodeFactory.instance.objectNode());
  }

  public boolean accepted() {
    return error == null;
  }

  /** ComfyUI's top-level error: {@code {type, message, details, extra_info}}. */
  public record PromptError(String type, String message, String details, ObjectNode extraInfo) {
    public static PromptError of(String type, String message, String details) {
      return new PromptError(type, message, details, JsonNodeFactory.instance.objectNode());
    }
  }
}
