package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.darkroom.core.usecase.PromptValidation;
import dev.darkroom.core.usecase.PromptValidation.PromptError;
import dev.darkroom.core.usecase.PromptValidator;
import dev.darkroom.gcp.Adapters;
import java.util.Iterator;
import java.util.Map;

/** Chooses how prompts are validated before they are queued. */
final class PromptValidators {
  private PromptValidators() {}

  static PromptValidator fromEnvironment(Adapters adapters) {
    return PromptValidators::structural;
  }

  /**
   * ComfyUI's first check, on every node whether reachable or not: a node without a string
   * {@code class_type} makes the prompt {@code invalid_prompt}. Checking against a node catalog
   * (unknown classes, inputs, links, ranges) is the catalog validator's job.
   */
  static PromptValidation structural(com.fasterxml.jackson.databind.node.ObjectNode prompt) {
    Iterator<Map.Entry<String, JsonNode>> nodes = prompt.fields();
    while (nodes.hasNext()) {
      Map.Entry<String, JsonNode> node = nodes.next();
      JsonNode classType = node.getValue().path("class_type");
      if (!node.getValue().isObject() || !classType.isTextual()) {
        return PromptValidation.refused(PromptError.of("invalid_prompt",
            "Cannot execute because a node is missing the class_type property.",
            "Node ID '#" + node.getKey() + "'"));
      }
      if (!node.getValue().path("inputs").isObject()) {
        return PromptValidation.refused(PromptError.of("invalid_prompt",
            "Invalid prompt", "Node ID '#" + node.getKey() + "' has no inputs object"));
      }
    }
    return PromptValidation.ok();
  }
}
