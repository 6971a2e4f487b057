package dev.darkroom.core.job;

/**
 * One file a job produced, as ComfyUI reports it ({@code filename}, {@code subfolder}, {@code type}
 * under the node's output {@code kind}, e.g. {@code images}) and where Darkroom stored it.
 *
 * @param objectName the object's name in the outputs bucket: {@code outputs/{user}/{job}/...}
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
    String sha256) {}
