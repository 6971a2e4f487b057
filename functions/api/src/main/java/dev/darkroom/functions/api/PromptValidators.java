package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.ComfyPromptValidator;
import dev.darkroom.core.comfy.ComfyValidation;
import dev.darkroom.core.comfy.CustomInputCheck;
import dev.darkroom.core.usecase.PromptValidation;
import dev.darkroom.core.usecase.PromptValidation.PromptError;
import dev.darkroom.core.usecase.PromptValidator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Validates prompts exactly as ComfyUI does, against the catalog of the engine Darkroom runs
 * ({@link PublishedCatalog}). LoadImage-style inputs are checked against the caller's uploads,
 * as ComfyUI's {@code VALIDATE_INPUTS} checks its input folder. Until any engine has published a
 * catalog, only the structural check applies.
 */
final class PromptValidators implements PromptValidator {
  private final PublishedCatalog catalog;
  private final UploadedInputs uploads;

  PromptValidators(PublishedCatalog catalog, UploadedInputs uploads) {
    this.catalog = catalog;
    this.uploads = uploads;
  }

  /** Without a user no upload can be seen, so a prompt loading an image fails its check. */
  @Override
  public PromptValidation validate(ObjectNode prompt) {
    return validateForQueue(prompt, null, null).validation();
  }

  /**
   * ComfyUI's coercions can lengthen a prompt ({@code 1e20} for an INT becomes 21 digits), so the
   * size it will be stored at is checked again on the coerced prompt.
   */
  @Override
  public ComfyValidation validateForQueue(ObjectNode prompt, List<String> partialExecutionTargets, String userId) {
    ComfyValidation checked = catalog.current()
        .map(c -> new ComfyPromptValidator(c,
                CustomInputCheck.fileExists(name -> userId != null && uploads.exists(userId, name)))
            .validatePrompt(prompt, partialExecutionTargets))
        .orElseGet(() -> new ComfyValidation(structural(prompt), List.of(), prompt));
    if (checked.accepted()) {
      PromptError tooLarge = PromptRequests.checkStoredSize(checked.prompt());
      if (tooLarge != null) {
        return new ComfyValidation(PromptValidation.refused(tooLarge), List.of(), checked.prompt());
      }
    }
    return checked;
  }

  /**
   * ComfyUI's first check, on every node whether reachable or not: a node without a string
   * {@code class_type} makes the prompt {@code invalid_prompt}.
   */
  static PromptValidation structural(ObjectNode prompt) {
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
