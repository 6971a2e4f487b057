package dev.darkroom.emulators.eventarc;

/**
 * Counters of one trigger since it was added. Every POST counts once in {@code attempted} and,
 * once answered or failed, once in either {@code succeeded} (2xx) or {@code failed}.
 */
public record TriggerStats(
    long attempted,
    long succeeded,
    long failed,
    long deadLettered,
    long duplicatesSent,
    long acksDropped) {}
