package dev.darkroom.runner;

/**
 * One file a prompt produced, as the engine names it: ComfyUI's {@code outputs.{nodeId}.{kind}[]}
 * entries ({@code images}, {@code gifs}, {@code audio}, ...), each {@code {filename, subfolder, type}}.
 *
 * @param subfolder relative to the engine's {@code type} directory; empty for the top level
 * @param type ComfyUI's directory: {@code output}, {@code temp} or {@code input}
 */
public record OutputFile(String nodeId, String kind, String filename, String subfolder, String type) {}
