package dev.darkroom.functions.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.Ledger;
import dev.darkroom.core.usecase.ApplyJobEvent;
import dev.darkroom.core.usecase.SettleDeadLetters;
import dev.darkroom.gcp.PubSubCloudEvents;
import dev.darkroom.testing.EventarcEvents;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingNotificationPublisher;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLettersFunctionTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobEventPublisher events = new RecordingJobEventPublisher();
  private final RecordingNotificationPublisher notifications = new RecordingNotificationPublisher();

  private DeadLettersFunction function(Ledger ledger) {
    return new DeadLettersFunction(() -> new SettleDeadLetters(jobs,
        new ApplyJobEvent(jobs, ledger, notifications, clock), events, clock));
  }

  private final DeadLettersFunction function = function(new InMemoryLedger());

  private void job(String id, JobStatus status) {
    Job job = Job.queued(id, "alice", 1, JsonNodeFactory.instance.objectNode(), null, null, clock.instant())
        .withStatus(status, clock.instant());
    jobs.update(id, current -> Outcome.write(job, null));
  }

  private static CloudEvent deadLetter(String topic, Object message) {
    return deadLetter(topic, Messages.encode(message));
  }

  private static CloudEvent deadLetter(String topic, byte[] data) {
    return EventarcEvents.messagePublished(topic, data, Map.of(PubSubCloudEvents.DEAD_LETTER_DELIVERY_COUNT, "5",
        "CloudPubSubDeadLetterSourceSubscription", "eventarc-us-central1-dispatch-sub-123"));
  }

  @Test
  void aDeadJobSubmittedMessageFailsItsQueuedJobThroughJobEvents() {
    job("j1", JobStatus.QUEUED);

    function.accept(deadLetter("dev-job-submitted-dead-letter", new JobSubmitted("j1", "alice", 1)));

    assertThat(events.published).singleElement().isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
      assertThat(failed.jobId()).isEqualTo("j1");
      assertThat(failed.sequence()).isEqualTo(JobEvent.RECONCILER_SEQUENCE);
      assertThat(failed.error().type()).isEqualTo("dispatch_failed");
      assertThat(failed.error().message()).contains("all 5 deliveries");
    });
    assertThat(jobs.get("j1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void aDeadTerminalJobEventIsAppliedAgain() {
    job("j1", JobStatus.RUNNING);

    function.accept(deadLetter("job-events-dead-letter", new JobEvent.Succeeded("j1", 1, 4, clock.instant(), List.of(), 2.0)));

    assertThat(jobs.get("j1").orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(notifications.published).singleElement().satisfies(n -> assertThat(n.status()).isEqualTo("succeeded"));
    assertThat(events.published).isEmpty();
  }

  @Test
  void theTopicNotThePayloadSaysWhatTheMessageIs() {
    job("j1", JobStatus.QUEUED);
    // A JobSubmitted would decode as nothing on the job-events side, and the reverse decodes without complaint.
    function.accept(deadLetter("dev-job-events-dead-letter", new JobSubmitted("j1", "alice", 1)));
    function.accept(deadLetter("dev-notifications-dead-letter", new JobSubmitted("j1", "alice", 1)));

    assertThat(events.published).isEmpty();
    assertThat(jobs.get("j1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void malformedDeadLettersAreAcknowledgedNotRetried() {
    job("j1", JobStatus.QUEUED);

    function.accept(deadLetter("job-submitted-dead-letter", "garbage".getBytes(StandardCharsets.UTF_8)));
    function.accept(deadLetter("job-events-dead-letter", "{\"type\":\"exploded\"}".getBytes(StandardCharsets.UTF_8)));
    function.accept(deadLetter("job-submitted-dead-letter", "{}".getBytes(StandardCharsets.UTF_8)));

    assertThat(events.published).isEmpty();
  }

  @Test
  void aTransientFailureThrowsSoPubSubRedelivers() {
    job("j1", JobStatus.RUNNING);
    Ledger down = job -> {
      throw new IllegalStateException("Cloud SQL unavailable (injected)");
    };
    CloudEvent event = deadLetter("job-events-dead-letter", new JobEvent.Cancelled("j1", 1, 4, clock.instant(), 0));

    assertThatThrownBy(() -> function(down).accept(event)).hasMessageContaining("unavailable");
    function.accept(event);

    assertThat(notifications.published).singleElement().satisfies(n -> assertThat(n.status()).isEqualTo("cancelled"));
  }
}
