package dev.darkroom.core.notify;

import java.time.Instant;

/**
 * What is recorded so far about one notification and one target.
 *
 * @param firstAttemptAt when the first attempt was made, or null if none was
 * @param lastAttemptAt when the latest attempt was made (the next one waits from it), or null if none was
 */
public record DeliveryHistory(int attempts, boolean finished, Instant firstAttemptAt, Instant lastAttemptAt) {
  public static final DeliveryHistory NONE = new DeliveryHistory(0, false, null, null);
}
