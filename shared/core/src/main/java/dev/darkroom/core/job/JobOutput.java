package dev.darkroom.core.job;

/**
 * One output of a job, as ComfyUI reports it ({@code filename}, {@code subfolder}, {@code type}
 * under the node's output {@code kind}, e.g. {@code images}) and where Darkroom stored it.
 *
 * @param objectName the object's name in the outputs bucket: {@code outputs/{user}/{job}/...}
 * @param text for a text output (ComfyUI shows strings, e.g. {@code outputs.{node}.text}): the
 *     string, cut at {@link #MAX_INLINE_TEXT} characters (the object holds all of it); null for files
 */
public record JobOutput(
    String nodeId,
    String kind,
    String filename,
    String subfolder,
    String type,
    String objectName,
    String contentType,
    long size,
    String sha256,
    String text) {

  /** Longer texts stay whole in their object only: the job document has a size limit. */
  public static final int MAX_INLINE_TEXT = 16 * 1024;

  /** A file output. */
  public JobOutput(String nodeId, String kind, String filename, String subfolder, String type,
      String objectName, String contentType, long size, String sha256) {
    this(nodeId, kind, filename, subfolder, type, objectName, contentType, size, sha256, null);
  }

  /** A text output, stored as a UTF-8 {@code .txt} object. */
  public static JobOutput text(String nodeId, String kind, String filename, String objectName, long size,
      String sha256, String text) {
    String inline = text.length() <= MAX_INLINE_TEXT ? text : text.substring(0, MAX_INLINE_TEXT);
    return new JobOutput(nodeId, kind, filename, "", "text", objectName, "text/plain; charset=utf-8", size,
        sha256, inline);
  }
}
