package dev.darkroom.core.event;

/** A job is queued and waits for dispatch. Carries ids only: the job document is the truth. */
public record JobSubmitted(String jobId, String userId, int attempt) {}
