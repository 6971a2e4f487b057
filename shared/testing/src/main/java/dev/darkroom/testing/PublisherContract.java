package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.NotificationPublisher;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every publishing port must do, the recording fakes and the Pub/Sub adapters alike: what
 * goes in comes out whole, to the consumer of that port and no other.
 */
@ContractOf({JobQueue.class, JobEventPublisher.class, NotificationPublisher.class})
public abstract class PublisherContract {
  private static final Instant AT = Instant.parse("2026-11-23T10:00:00.123Z");

  /** The three publishers, freshly connected to their own (empty) destinations. */
  protected abstract Publishers publishers();

  /** What the consumers of each port receive, decoded as they decode it. */
  public interface Publishers {
    JobQueue queue();

    JobEventPublisher events();

    NotificationPublisher notifications();

    List<JobSubmitted> submitted();

    List<JobEvent> jobEvents();

    List<JobNotification> notified();
  }

  @Test
  void aJobSubmittedReachesDispatchWhole() {
    Publishers p = publishers();
    JobSubmitted sent = new JobSubmitted(UUID.randomUUID().toString(), "alice", 3);
    p.queue().publish(sent);
    assertThat(p.submitted()).containsExactly(sent);
    assertThat(p.jobEvents()).isEmpty();
  }

  @Test
  void everyKindOfJobEventReachesJobEventsWhole() {
    Publishers p = publishers();
    String job = UUID.randomUUID().toString();
    List<JobEvent> sent = List.of(
        new JobEvent.Started(job, 1, 1, AT, "exec"),
        new JobEvent.Progressed(job, 1, 2, AT, new Progress("3", 4, 20)),
        new JobEvent.OutputProduced(job, 1, 3, AT,
            new JobOutput("9", "images", "a.png", "", "output", "outputs/u/" + job + "/a.png", "image/png", 5, "ab")),
        new JobEvent.Succeeded(job, 1, 4, AT, List.of(), 2.5));
    sent.forEach(p.events()::publish);
    assertThat(p.jobEvents()).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(p.notified()).isEmpty();
  }

  @Test
  void aNotificationReachesNotifyWhole() {
    Publishers p = publishers();
    JobNotification sent = new JobNotification("j/1/succeeded", "j", "alice", "succeeded", AT);
    p.notifications().publish(sent);
    assertThat(p.notified()).containsExactly(sent);
    assertThat(p.submitted()).isEmpty();
  }
}
