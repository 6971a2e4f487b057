package dev.darkroom.core.notify;

import java.util.List;

/**
 * Where a user wants their jobs' webhooks sent, and the secrets that sign them: one, or two during
 * a rotation (old and new, each receiver accepts either).
 */
public record WebhookEndpoint(String id, String userId, String url, List<String> secrets) {
  public WebhookEndpoint {
    secrets = List.copyOf(secrets);
  }
}
