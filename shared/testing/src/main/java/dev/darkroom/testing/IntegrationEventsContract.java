package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.IntegrationEvents;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IntegrationEvents} must do, the recording fake and the Pub/Sub topic alike:
 * each notification reaches the integrations whole, its id kept so that they can deduplicate.
 */
public abstract class IntegrationEventsContract {
  private static final Instant AT = Instant.parse("2026-11-23T10:00:00.123Z");

  /** The port, publishing where nothing has been published yet. */
  protected abstract IntegrationEvents events();

  /** What a subscribing integration received, decoded as it decodes it; waits for what was published. */
  protected abstract List<JobNotification> received();

  private final String job = "job-" + UUID.randomUUID();

  @Test
  void aNotificationReachesIntegrationsWhole() {
    JobNotification sent = new JobNotification(job + "/1/succeeded", job, "alice", "succeeded", AT);
    events().publish(sent);
    assertThat(received()).containsExactly(sent);
  }

  @Test
  void eachNotificationIsItsOwnEventAndARepeatKeepsItsId() {
    IntegrationEvents events = events();
    JobNotification failed = new JobNotification(job + "/1/failed", job, "alice", "failed", AT);
    JobNotification cancelled = new JobNotification(job + "/2/cancelled", job, "alice", "cancelled", AT.plusSeconds(5));
    events.publish(failed);
    events.publish(cancelled);
    events.publish(failed); // a redelivered notification published again
    assertThat(received()).containsExactlyInAnyOrder(failed, cancelled, failed);
  }
}
