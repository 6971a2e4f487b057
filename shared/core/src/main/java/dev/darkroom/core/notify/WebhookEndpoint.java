package dev.darkroom.core.notify;

import java.time.Instant;
import java.util.List;

/**
 * Where a user wants their jobs' webhooks sent, and the secrets that sign them: one, or two during
 * a rotation (new and old, each receiver accepts either).
 *
 * @param jobId null for every job of the user, else the one job whose notifications it gets
 * @param createdAt when it was registered (null before it is stored)
 */
public record WebhookEndpoint(String id, String userId, String url, List<String> secrets, String jobId,
                              Instant createdAt) {
  public WebhookEndpoint {
    secrets = List.copyOf(secrets);
  }

  /** A user-wide endpoint, not yet stored. */
  public WebhookEndpoint(String id, String userId, String url, List<String> secrets) {
    this(id, userId, url, secrets, null, null);
  }

  /** Whether this endpoint gets the notifications of {@code job}. */
  public boolean covers(String job) {
    return jobId == null || jobId.equals(job);
  }
}
