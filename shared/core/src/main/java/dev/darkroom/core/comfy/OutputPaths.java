package dev.darkroom.core.comfy;

/**
 * How Darkroom names an output to ComfyUI clients. Every GPU task's ComfyUI numbers its files from
 * {@code _00001_}, so names alone would collide across a user's jobs: the {@code subfolder} a client
 * sees (in history, in {@code executed} messages, and echoes back to {@code /view}) starts with the
 * job id. One rule, used by every component that reports outputs.
 */
public final class OutputPaths {
  private OutputPaths() {}

  /** {@code jobId} or {@code jobId/subfolder}, from the subfolder ComfyUI reported (may be empty). */
  public static String publicSubfolder(String jobId, String subfolder) {
    return subfolder == null || subfolder.isEmpty() ? jobId : jobId + "/" + subfolder;
  }
}
