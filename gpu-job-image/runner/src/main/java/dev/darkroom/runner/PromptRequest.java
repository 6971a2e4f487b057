package dev.darkroom.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A prompt to run, in ComfyUI's API format.
 *
 * @param promptId the job's store id, so that the engine's history and ours name the same thing;
 *     the engine runs it as {@code PromptIds#forEngine} of it (the id itself, a UUID, except for a
 *     job stored elsewhere because its chosen id was another user's)
 * @param extraData ComfyUI's {@code extra_data}; may be null
 */
public record PromptRequest(String promptId, ObjectNode prompt, ObjectNode extraData) {}
