package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.ComfyValidation;
import java.util.List;

/** Checks a prompt before anything is queued, answering in ComfyUI's terms. */
@FunctionalInterface
public interface PromptValidator {

  PromptValidation validate(ObjectNode prompt);

  /**
   * Validates as {@code POST /prompt} does before queueing: besides the verdict, ComfyUI's
   * {@code outputs_to_execute} and the prompt with literals coerced, which is what ComfyUI queues.
   * A validator that knows no node classes can name no outputs; it returns the prompt unchanged.
   *
   * @param partialExecutionTargets ComfyUI's {@code partial_execution_targets}, or null for all
   * @param userId whose uploaded inputs a LoadImage-style check may look at
   */
  default ComfyValidation validateForQueue(
      ObjectNode prompt, List<String> partialExecutionTargets, String userId) {
    return new ComfyValidation(validate(prompt), List.of(), prompt);
  }
}
