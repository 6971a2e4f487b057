package dev.darkroom.core.event;

import java.time.Instant;

/**
 * A job reached a terminal status; fans out to webhooks, push and integrations. {@code id} is
 * stable across redeliveries, so receivers can deduplicate. {@code jobId} is the id the job's
 * owner knows it by (its {@code prompt_id}, {@code Job#promptId}), which webhooks registered for
 * one job name.
 */
public record JobNotification(String id, String jobId, String userId, String status, Instant at) {}
