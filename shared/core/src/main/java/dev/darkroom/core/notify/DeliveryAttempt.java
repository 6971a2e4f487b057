package dev.darkroom.core.notify;

import java.time.Instant;

/**
 * One try at delivering a notification to one target: a webhook endpoint's id, or a channel
 * ({@link #PUSH}, {@link #EVENTS}).
 *
 * @param statusCode the receiver's HTTP status, or null when there was no answer
 * @param outcome what happened; only {@link Outcome#RETRY} is tried again
 */
public record DeliveryAttempt(String notificationId, String target, int attempt, Outcome outcome,
                              Integer statusCode, String error, Instant at) {
  public static final String PUSH = "push";
  public static final String EVENTS = "events";

  public enum Outcome {
    DELIVERED,
    /** Failed for now; the notification is retried. */
    RETRY,
    /** Failed for good (refused URL, 410 Gone, retry window over): not tried again. */
    GAVE_UP;

    public boolean isFinal() {
      return this != RETRY;
    }
  }
}
