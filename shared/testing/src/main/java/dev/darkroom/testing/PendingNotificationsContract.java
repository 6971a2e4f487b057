package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.PendingNotifications;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PendingNotifications} must do; run against the fake and the SQL adapter. The
 * times are far in the past or future of any other test's rows, so that takeDue sees only ours.
 */
public abstract class PendingNotificationsContract {
  protected abstract PendingNotifications pending();

  private final String id = "n-" + UUID.randomUUID();
  private final Instant t0 = Instant.parse("2001-01-01T10:00:00Z").plusSeconds(UUID.randomUUID().hashCode() & 0xffff)
      .truncatedTo(ChronoUnit.MILLIS);
  private final JobNotification notification = new JobNotification(id, "job-" + id, "alice", "succeeded", t0);
  private final Duration lease = Duration.ofMinutes(5);

  @Test
  void aNewNotificationIsClaimedOnceUntilItsLeaseEnds() {
    assertThat(pending().claim(notification, t0, lease)).isTrue();
    assertThat(pending().claim(notification, t0.plusSeconds(1), lease)).as("a duplicate delivery").isFalse();
    assertThat(pending().claim(notification, t0.plus(lease), lease)).as("the run crashed; retried").isTrue();
    pending().finish(id);
  }

  @Test
  void aScheduledRetryIsTakenOnceWhenDueAndClaimableThen() {
    pending().claim(notification, t0, lease);
    Instant next = t0.plusSeconds(30);
    pending().retryAt(id, next);

    assertThat(pending().claim(notification, next.minusMillis(1), lease)).isFalse();
    assertThat(pending().takeDue(next.minusMillis(1), lease, 1000)).doesNotContain(notification);
    assertThat(pending().takeDue(next, lease, 1000)).contains(notification);
    assertThat(pending().takeDue(next.plusSeconds(1), lease, 1000)).as("just republished").doesNotContain(notification);
    assertThat(pending().takeDue(next.plus(lease), lease, 1000)).as("republished but never claimed").contains(notification);
    assertThat(pending().claim(notification, next.plus(lease), lease)).isTrue();
    pending().finish(id);
  }

  @Test
  void aFinishedNotificationIsNeverTaken() {
    pending().claim(notification, t0, lease);
    pending().retryAt(id, t0.plusSeconds(5));
    pending().finish(id);
    assertThat(pending().takeDue(t0.plus(Duration.ofDays(1)), lease, 1000)).doesNotContain(notification);
  }
}
