package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.usecase.PromptValidation;
import java.util.List;

/**
 * What ComfyUI's {@code validate_prompt} returns, plus what a server needs to queue the prompt.
 *
 * @param validation the error (null when accepted) and {@code node_errors}
 * @param outputsToExecute the output nodes that passed; the others are dropped (empty when refused)
 * @param prompt the prompt with literals coerced as ComfyUI coerces them in place ("5" → 5 for an
 *     INT), which is what ComfyUI queues and records in history
 */
public record ComfyValidation(
    PromptValidation validation, List<String> outputsToExecute, ObjectNode prompt) {

  public boolean accepted() {
    return validation.accepted();
  }
}
