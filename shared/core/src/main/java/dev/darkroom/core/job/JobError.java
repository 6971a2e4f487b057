package dev.darkroom.core.job;

/**
 * Why a job failed, in ComfyUI's terms where ComfyUI gave one ({@code exception_type},
 * {@code exception_message}, the failing node).
 */
public record JobError(String type, String message, String nodeId) {

  public static JobError of(String type, String message) {
    return new JobError(type, message, null);
  }
}
