package dev.darkroom.functions.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.usecase.DispatchJobs;
import dev.darkroom.testing.EventarcEvents;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryGpuPool;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.RecordingJobLauncher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DispatchFunctionTest {
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobLauncher launcher = new RecordingJobLauncher();
  private final DispatchFunction function = new DispatchFunction(
      () -> new DispatchJobs(jobs, launcher, new dev.darkroom.testing.InMemoryGpuPool(4),
          dev.darkroom.core.usecase.FairShare.Limits.none(),
          new InMemoryLedger(), Clock.systemUTC()));

  private void queued(String id) {
    Job job = Job.queued(id, "alice", 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, Instant.now());
    jobs.update(id, current -> Outcome.write(job, null));
  }

  @Test
  void aJobSubmittedEventLaunchesTheJobOnceEvenIfDeliveredTwice() {
    queued("j1");
    var event = EventarcEvents.messagePublished("job-submitted", Messages.encode(new JobSubmitted("j1", "alice", 1)));
    function.accept(event);
    function.accept(event);
    assertThat(launcher.launched).containsExactly(java.util.List.of("j1"));
    assertThat(jobs.get("j1").orElseThrow().status()).isEqualTo(JobStatus.DISPATCHED);
  }

  @Test
  void aFreshMessageWaitsForAJobThatIsStoredJustAfterIt() throws Exception {
    // Submit publishes while it creates: the message can come first.
    var event = EventarcEvents.messagePublished("job-submitted", Messages.encode(new JobSubmitted("j3", "alice", 1)),
        java.util.Map.of(), java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
    Thread create = storedLate("j3");
    function.accept(event);
    create.join();
    assertThat(launcher.launched).containsExactly(java.util.List.of("j3"));
  }

  /** Stores a queued job 100 ms from now, as a create that its own message overtook lands late. */
  private Thread storedLate(String id) {
    Thread create = new Thread(() -> {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      queued(id);
    });
    create.start();
    return create;
  }

  @Test
  void aJobLeftToWarmTasksFailsTheDeliverySoPubSubBringsItBackAndTheRedeliveryPastTheBoundLaunches() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
    InMemoryGpuPool pool = new InMemoryGpuPool(4);
    // Two warm tasks up, both running a job; the policy wants two.
    pool.reserve(clock.instant(), clock.instant().plus(DispatchJobs.START_LEASE)).orElseThrow();
    pool.reserve(clock.instant(), clock.instant().plus(DispatchJobs.START_LEASE)).orElseThrow();
    DispatchFunction underPolicy = new DispatchFunction(() -> new DispatchJobs(jobs, launcher, pool,
        dev.darkroom.core.usecase.FairShare.Limits.none(), new InMemoryLedger(), clock, (now, usage) -> 2));
    Job job = Job.queued("j4", "alice", 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, clock.instant());
    jobs.update("j4", current -> Outcome.write(job, null));
    var event = EventarcEvents.messagePublished("job-submitted", Messages.encode(new JobSubmitted("j4", "alice", 1)),
        java.util.Map.of(), clock.instant().atOffset(java.time.ZoneOffset.UTC));

    assertThatThrownBy(() -> underPolicy.accept(event)).isInstanceOf(DispatchJobs.LeftForWarmTasksException.class);
    assertThat(launcher.launched).isEmpty();

    clock.advance(DispatchJobs.WARM_TAKE_WITHIN);
    underPolicy.accept(event);
    assertThat(launcher.launched).containsExactly(java.util.List.of("j4"));
  }

  @Test
  void aMalformedMessageIsAcknowledgedNotRetried() {
    function.accept(EventarcEvents.messagePublished("job-submitted", "garbage".getBytes(StandardCharsets.UTF_8)));
    assertThat(launcher.launched).isEmpty();
  }

  @Test
  void aTransientLaunchFailureThrowsSoPubSubRedelivers() {
    queued("j2");
    launcher.failNext(() -> new IllegalStateException("UNAVAILABLE"));
    var event = EventarcEvents.messagePublished("job-submitted", Messages.encode(new JobSubmitted("j2", "alice", 1)));
    assertThatThrownBy(() -> function.accept(event)).hasMessageContaining("UNAVAILABLE");
    function.accept(event);
    assertThat(launcher.launched).hasSize(1);
  }
}
