package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Checks a prompt before anything is queued, answering in ComfyUI's terms. */
@FunctionalInterface
public interface PromptValidator {

  PromptValidation validate(ObjectNode prompt);
}
