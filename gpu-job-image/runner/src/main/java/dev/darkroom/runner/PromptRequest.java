package dev.darkroom.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A prompt to run, in ComfyUI's API format.
 *
 * @param promptId ComfyUI's {@code prompt_id}: the job id, so that the engine's history and ours
 *     name the same thing
 * @param extraData ComfyUI's {@code extra_data}; may be null
 */
public record PromptRequest(String promptId, ObjectNode prompt, ObjectNode extraData) {}
