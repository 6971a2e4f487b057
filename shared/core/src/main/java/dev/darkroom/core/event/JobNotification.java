package dev.darkroom.core.event;

import java.time.Instant;

/**
 * A job reached a terminal status; fans out to webhooks, push and integrations. {@code id} is
 * stable across redeliveries, so receivers can deduplicate.
 */
public record JobNotification(String id, String jobId, String userId, String status, Instant at) {}
