package dev.darkroom.core.notify;

import java.time.Duration;
import java.time.Instant;

/**
 * One try at delivering a notification to one target: a webhook endpoint's id, or a channel
 * ({@link #PUSH}, {@link #EVENTS}).
 *
 * @param statusCode the receiver's HTTP status, or null when there was no answer
 * @param outcome what happened; only {@link Outcome#RETRY} is tried again
 * @param jobId the job the notification is about, as its owner knows it; null in rows older than its column
 * @param event the job status the notification announces ({@code succeeded}, ...); null likewise
 * @param duration how long the try took; null when not measured
 */
public record DeliveryAttempt(String notificationId, String target, int attempt, Outcome outcome,
                              Integer statusCode, String error, Instant at, String jobId, String event,
                              Duration duration) {
  /** An attempt without the job's details or a duration. */
  public DeliveryAttempt(String notificationId, String target, int attempt, Outcome outcome, Integer statusCode,
                         String error, Instant at) {
    this(notificationId, target, attempt, outcome, statusCode, error, at, null, null, null);
  }

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
