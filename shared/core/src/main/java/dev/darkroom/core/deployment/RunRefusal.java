package dev.darkroom.core.deployment;

import java.time.Instant;
import java.util.List;

/**
 * A run message that was acknowledged without a run, and why: it can never succeed as sent, so it
 * is reported (a CloudEvent, {@code dev.darkroom.run.refused}) rather than retried.
 *
 * @param messageId the Pub/Sub message's id: the report's id, stable across redeliveries
 * @param topic the inbound topic it came on
 * @param integration the integration that topic is configured for; null for a topic of none
 * @param userId the user it would have run as; null for a topic of no integration
 * @param deployment the deployment it named, null if none could be read
 * @param idempotencyKey the key it carried, null if none could be read
 * @param reasons every reason, each naming the field when one is at fault ({@code inputs.seed: must be an integer})
 */
public record RunRefusal(String messageId, String topic, String integration, String userId, String deployment,
    String idempotencyKey, List<String> reasons, Instant at) {
  public RunRefusal {
    reasons = List.copyOf(reasons);
  }
}
