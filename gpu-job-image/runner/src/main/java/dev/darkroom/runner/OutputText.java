package dev.darkroom.runner;

/**
 * One string a prompt showed: ComfyUI lists them as plain values under a node's output kind
 * ({@code outputs.{nodeId}.text[index]}), not as files.
 */
public record OutputText(String nodeId, String kind, int index, String text) {}
