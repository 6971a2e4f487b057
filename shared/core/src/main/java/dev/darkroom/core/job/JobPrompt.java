package dev.darkroom.core.job;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a job runs: the workflow in ComfyUI's API format and ComfyUI's {@code extra_data}. Kept
 * beside the live job document, not in it: it can be close to a megabyte, and the document is
 * what clients, heartbeats and events touch many times a job; the prompt is read only by whoever
 * shows or runs it ({@code /queue}, {@code /history}, the runner).
 */
public record JobPrompt(ObjectNode prompt, ObjectNode extraData) {
  /** The prompt a job carries in memory (one read from a document written before prompts moved out, or a new one). */
  public static JobPrompt of(Job job) {
    return new JobPrompt(job.prompt(), job.extraData());
  }
}
