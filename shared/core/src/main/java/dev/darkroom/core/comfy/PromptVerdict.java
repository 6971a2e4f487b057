package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What checking a prompt decided, shaped like ComfyUI's {@code validate_prompt} result, plus what a
 * server needs to queue the prompt.
 *
 * @param error null when the prompt is accepted
 * @param nodeErrors keyed by node id; may be non-empty even when the prompt is accepted, for
 *     outputs that were dropped
 * @param outputsToExecute the output nodes that passed; the others are dropped (empty when refused,
 *     and when no catalog could name outputs)
 * @param prompt the prompt with literals coerced as ComfyUI coerces them in place ("5" → 5 for an
 *     INT), which is what ComfyUI queues and records in history
 */
public record PromptVerdict(
    PromptError error, ObjectNode nodeErrors, List<String> outputsToExecute, ObjectNode prompt) {

  /** Accepted as it is, with no outputs named: what a check without a catalog can say. */
  public static PromptVerdict accepted(ObjectNode prompt) {
    return new PromptVerdict(null, JsonNodeFactory.instance.objectNode(), List.of(), prompt);
  }

  public static PromptVerdict refused(PromptError error, ObjectNode prompt) {
    return new PromptVerdict(error, JsonNodeFactory.instance.objectNode(), List.of(), prompt);
  }

  public boolean accepted() {
    return error == null;
  }
}
