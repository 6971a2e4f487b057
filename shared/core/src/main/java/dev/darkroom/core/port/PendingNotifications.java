package dev.darkroom.core.port;

import dev.darkroom.core.event.JobNotification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Notifications with a target still to reach, each with the time of its next attempt (Cloud SQL in
 * the cloud). This, not Pub/Sub's redelivery, is the retry timer: notify acknowledges every
 * message and the reconcile sweep republishes what is due, so retries can span a day and more.
 */
public interface PendingNotifications {
  /**
   * Takes the notification for one attempt run if it is new or due, pushing its next attempt
   * {@code lease} ahead (so that a duplicate delivery meanwhile does nothing, and a run that
   * crashed is tried again after the lease).
   *
   * @return false if the notification is scheduled for later or taken by another run: do nothing
   */
  boolean claim(JobNotification notification, Instant now, Duration lease);

  /** Schedules the next attempt run. */
  void retryAt(String notificationId, Instant next);

  /** Every target is done with (delivered or given up on): forget the schedule. */
  void finish(String notificationId);

  /**
   * Up to {@code limit} notifications whose next attempt is due and that were not republished in
   * the last {@code guard}, marked republished now.
   */
  List<JobNotification> takeDue(Instant now, Duration guard, int limit);
}
