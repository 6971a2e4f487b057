package dev.darkroom.core.usecase;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.NotificationPublisher;
import dev.darkroom.core.port.PendingNotifications;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry timer of notifications: puts back on the notifications topic every notification whose
 * next attempt is due (see {@link NotifyJobEnded}). Run by the reconcile sweep each minute. One
 * republished without being claimed by notify within {@link NotifyJobEnded#LEASE} (the message
 * was lost) is republished again.
 */
public final class RepublishDueNotifications {
  private static final Logger log = LoggerFactory.getLogger(RepublishDueNotifications.class);
  private static final int BATCH = 500;

  private final PendingNotifications pending;
  private final NotificationPublisher publisher;
  private final Clock clock;

  public RepublishDueNotifications(PendingNotifications pending, NotificationPublisher publisher, Clock clock) {
    this.pending = pending;
    this.publisher = publisher;
    this.clock = clock;
  }

  /** @return how many notifications were republished */
  public int sweep() {
    int count = 0;
    List<JobNotification> due;
    do {
      due = pending.takeDue(clock.instant(), NotifyJobEnded.LEASE, BATCH);
      for (JobNotification notification : due) {
        publisher.publish(notification);
        log.info("republished notification {} of job {}: a retry is due", notification.id(), notification.jobId());
      }
      count += due.size();
    } while (due.size() == BATCH);
    return count;
  }
}
