package dev.darkroom.functions.jobevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.usecase.ApplyJobEvent;
import dev.darkroom.testing.EventarcEvents;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.RecordingNotificationPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobEventsFunctionTest {
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryLedger ledger = new InMemoryLedger();
  private final RecordingNotificationPublisher notifications = new RecordingNotificationPublisher();
  private final JobEventsFunction function = new JobEventsFunction(
      () -> new ApplyJobEvent(jobs, ledger, notifications, Clock.systemUTC()));

  @Test
  void runnerEventsMoveTheJobToItsTerminalStateAndAnnounceIt() {
    Job job = Job.queued("j1", "alice", 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, Instant.now()).withStatus(JobStatus.DISPATCHED, Instant.now());
    jobs.update("j1", current -> Outcome.write(job, null));
    Instant at = Instant.now();
    function.accept(EventarcEvents.messagePublished("job-events",
        Messages.encode(new JobEvent.Started("j1", 1, 1, at, "exec-1"))));
    function.accept(EventarcEvents.messagePublished("job-events",
        Messages.encode(new JobEvent.Succeeded("j1", 1, 2, at, List.of(), 1.5))));

    assertThat(jobs.get("j1").orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(ledger.rows.get("j1").gpuSeconds()).isEqualTo(1.5);
    assertThat(notifications.published).extracting(n -> n.status()).containsExactly("succeeded");
  }

  @Test
  void aMalformedEventIsAcknowledgedNotRetried() {
    function.accept(EventarcEvents.messagePublished("job-events", "{\"type\":\"nope\"}".getBytes(StandardCharsets.UTF_8)));
    assertThat(notifications.published).isEmpty();
  }
}
