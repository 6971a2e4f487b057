package dev.darkroom.core.job;

/** Sampler-style progress of the node running now: {@code value} of {@code max} steps. */
public record Progress(String nodeId, long value, long max) {}
