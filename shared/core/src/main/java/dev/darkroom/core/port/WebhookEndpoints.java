package dev.darkroom.core.port;

import dev.darkroom.core.notify.WebhookEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The webhook endpoints users registered (Cloud SQL in the cloud). Secrets are returned in clear
 * only to the sender and to the registration that made them.
 */
public interface WebhookEndpoints {
  /** The user's enabled endpoints, user-wide and job-scoped, with their current secrets. */
  List<WebhookEndpoint> forUser(String userId);

  /** Stores a new endpoint (its secrets sealed). */
  void add(WebhookEndpoint endpoint);

  /** @return false if the user has no endpoint with this id */
  boolean delete(String userId, String endpointId);

  /**
   * Makes {@code newSecret} the endpoint's signing secret; the current one keeps signing too until
   * {@code previousExpiresAt}.
   *
   * @return the endpoint as it is now, or empty if the user has no endpoint with this id
   */
  Optional<WebhookEndpoint> rotate(String userId, String endpointId, String newSecret, Instant previousExpiresAt);

  /** Stops sending to an endpoint (its receiver answered 410 Gone). */
  void disable(String endpointId);
}
