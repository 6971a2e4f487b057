package dev.darkroom.core.event;

/**
 * An object a bucket finalized, as its event describes it ({@code generation} 0: not given): what
 * the thumbnails and models functions are told.
 */
public record FinalizedObject(String name, String contentType, long size, long generation) {}
