package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.Ledger;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SettleDeadLettersTest {
  private static final Instant AT = UseCaseFixture.NOW;
  private final UseCaseFixture f = new UseCaseFixture();
  private final SettleDeadLetters settle = new SettleDeadLetters(f.jobs, f.apply, f.events, f.clock);

  private JobSubmitted submitted(String id) {
    f.submit.submit(f.request("alice", id));
    return f.queue.published.get(f.queue.published.size() - 1);
  }

  private void running(String id) {
    f.dispatch.dispatch(submitted(id));
    assertThat(f.claim.claim(id, "exec-1")).isPresent();
  }

  private void moveTo(String id, JobStatus status) {
    f.jobs.update(id, current -> Outcome.write(current.orElseThrow().withStatus(status, f.clock.instant()), null));
  }

  /** What job-events does with the verdicts published so far. */
  private void applyVerdicts() {
    f.events.published.forEach(f.apply::apply);
  }

  private Job job(String id) {
    return f.jobs.get(id).orElseThrow();
  }

  // ---- job-submitted dead letters ----------------------------------------------------------------

  @Test
  void aJobWhoseLaunchesKeptFailingFailsWithDispatchFailedThroughJobEvents() {
    JobSubmitted message = submitted("p-1");
    for (int delivery = 1; delivery <= 5; delivery++) {
      f.launcher.failNext(() -> new IllegalStateException("runJob: PERMISSION_DENIED (injected)"));
      assertThatThrownBy(() -> f.dispatch.dispatch(message)).hasMessageContaining("PERMISSION_DENIED");
    }
    assertThat(job("p-1").status()).as("dispatch put it back each time").isEqualTo(JobStatus.QUEUED);

    assertThat(settle.settle(message, 5)).isEqualTo(SettleDeadLetters.Result.FAILED);
    assertThat(job("p-1").status()).as("only job-events writes the end").isEqualTo(JobStatus.QUEUED);
    applyVerdicts();

    assertThat(job("p-1").status()).isEqualTo(JobStatus.FAILED);
    assertThat(job("p-1").error().type()).isEqualTo("dispatch_failed");
    assertThat(job("p-1").error().message()).contains("all 5 deliveries");
    assertThat(f.ledger.rows.get("p-1").status()).isEqualTo(JobStatus.FAILED);
    assertThat(f.notifications.published).singleElement().satisfies(n -> assertThat(n.status()).isEqualTo("failed"));
  }

  @Test
  void aJobDispatchedWithNoExecutionRecordedFailsToo() {
    JobSubmitted message = submitted("p-1");
    moveTo("p-1", JobStatus.DISPATCHED);

    assertThat(settle.settle(message, 5)).isEqualTo(SettleDeadLetters.Result.FAILED);
    applyVerdicts();

    assertThat(job("p-1").status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void anUnknownDeliveryCountStillGivesAReason() {
    JobSubmitted message = submitted("p-1");

    settle.settle(message, 0);
    applyVerdicts();

    assertThat(job("p-1").error().message()).contains("every delivery");
  }

  @Test
  void aJobThatMovedOnSinceIsLeftAlone() {
    JobSubmitted launched = submitted("launched");
    f.dispatch.dispatch(launched);
    JobSubmitted claimed = submitted("claimed");
    assertThat(f.claim.claim("claimed", "exec-2")).isPresent();
    JobSubmitted ended = submitted("ended");
    moveTo("ended", JobStatus.CANCELLED);
    JobSubmitted oldAttempt = submitted("requeued");
    f.jobs.update("requeued", current -> Outcome.write(current.orElseThrow().requeued(f.clock.instant()), null));

    assertThat(List.of(launched, claimed, ended, oldAttempt))
        .extracting(message -> settle.settle(message, 5))
        .containsOnly(SettleDeadLetters.Result.MOVED_ON);
    assertThat(f.events.published).isEmpty();
    assertThat(job("launched").status()).isEqualTo(JobStatus.DISPATCHED);
    assertThat(job("requeued").status()).isEqualTo(JobStatus.QUEUED);
  }

  /** Settles the dead letter of job p-1, lets job-events apply the verdict, then settles a second copy. */
  private void assertASecondCopyChangesNothing(Supplier<SettleDeadLetters.Result> deadLetter) {
    assertThat(deadLetter.get()).isEqualTo(SettleDeadLetters.Result.FAILED);
    applyVerdicts();
    Job failed = job("p-1");
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);

    assertThat(deadLetter.get()).isEqualTo(SettleDeadLetters.Result.MOVED_ON);
    assertThat(f.events.published).hasSize(1);
    assertThat(job("p-1")).isEqualTo(failed);
  }

  @Test
  void aSecondCopyOfTheDeadLetterChangesNothing() {
    JobSubmitted message = submitted("p-1");
    assertASecondCopyChangesNothing(() -> settle.settle(message, 5));
  }

  @Test
  void twoCopiesSettledAtOnceGiveOneEnd() {
    JobSubmitted message = submitted("p-1");
    settle.settle(message, 5);
    settle.settle(message, 5);
    assertThat(f.events.published).as("both saw it queued").hasSize(2);

    assertThat(f.events.published).extracting(f.apply::apply)
        .containsExactly(ApplyJobEvent.Result.APPLIED, ApplyJobEvent.Result.DUPLICATE);
    assertThat(job("p-1").status()).isEqualTo(JobStatus.FAILED);
    assertThat(f.notifications.published).extracting(n -> n.id()).containsOnly("p-1/1/failed");
  }

  // ---- job-events dead letters ---------------------------------------------------------------------

  @Test
  void aTerminalEventIsAppliedOnceMoreThroughJobEvents() {
    running("p-1");
    JobEvent done = new JobEvent.Succeeded("p-1", 1, 7, AT, List.of(), 4.0);

    assertThat(settle.settle(done, 5)).isEqualTo(SettleDeadLetters.Result.REPLAYED);

    assertThat(job("p-1").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(f.ledger.rows.get("p-1").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(f.notifications.published).singleElement().satisfies(n -> assertThat(n.status()).isEqualTo("succeeded"));
    assertThat(f.events.published).isEmpty();
  }

  @Test
  void aTerminalEventWhoseLedgerStepKeptFailingHasItsSideEffectsRunAgain() {
    running("p-1");
    JobEvent done = new JobEvent.Cancelled("p-1", 1, 7, AT, 1.0);
    Ledger down = job -> {
      throw new IllegalStateException("Cloud SQL unavailable (injected)");
    };
    assertThatThrownBy(() -> new ApplyJobEvent(f.jobs, down, f.notifications, f.clock).apply(done))
        .hasMessageContaining("unavailable");
    assertThat(job("p-1").status()).as("the live document was written").isEqualTo(JobStatus.CANCELLED);

    assertThat(settle.settle(done, 5)).isEqualTo(SettleDeadLetters.Result.REPLAYED);

    assertThat(f.ledger.rows.get("p-1").status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(f.notifications.published).singleElement().satisfies(n -> assertThat(n.status()).isEqualTo("cancelled"));
  }

  @Test
  void aReplayThatStillFailsThrowsSoTheDeadLetterIsRetried() {
    running("p-1");
    Ledger down = job -> {
      throw new IllegalStateException("Cloud SQL unavailable (injected)");
    };
    SettleDeadLetters stillDown = new SettleDeadLetters(f.jobs, new ApplyJobEvent(f.jobs, down, f.notifications, f.clock),
        f.events, f.clock);

    assertThatThrownBy(() -> stillDown.settle(new JobEvent.Succeeded("p-1", 1, 7, AT, List.of(), 4.0), 5))
        .hasMessageContaining("unavailable");
    assertThat(f.events.published).isEmpty();
  }

  @Test
  void aTerminalEventTheJobCanNoLongerTakeEndsItWithEventUndeliverable() {
    running("p-1");
    moveTo("p-1", JobStatus.LOST); // the reconciler gave up on its heartbeat meanwhile
    JobEvent done = new JobEvent.Succeeded("p-1", 1, 7, AT, List.of(), 4.0);

    assertThat(settle.settle(done, 5)).isEqualTo(SettleDeadLetters.Result.FAILED);
    applyVerdicts();

    assertThat(job("p-1").status()).isEqualTo(JobStatus.FAILED);
    assertThat(job("p-1").error().type()).isEqualTo("event_undeliverable");
    assertThat(job("p-1").error().message()).contains("succeeded", "p-1/1/7", "all 5 deliveries", "lost");
    assertThat(f.notifications.published).singleElement().satisfies(n -> assertThat(n.status()).isEqualTo("failed"));
  }

  @Test
  void aTerminalEventOfAnAttemptThatEndedOrMovedOnChangesNothing() {
    running("ended");
    new ApplyJobEvent(f.jobs, f.ledger, f.notifications, f.clock)
        .apply(new JobEvent.Failed("ended", 1, 5, AT, JobError.of("OOM", "out of memory"), 2.0));
    running("requeued");
    f.jobs.update("requeued", current -> Outcome.write(current.orElseThrow().requeued(f.clock.instant()), null));
    running("claimed");
    int notified = f.notifications.published.size();

    assertThat(settle.settle(new JobEvent.Succeeded("ended", 1, 6, AT, List.of(), 1.0), 5))
        .isEqualTo(SettleDeadLetters.Result.MOVED_ON);
    assertThat(settle.settle(new JobEvent.Succeeded("requeued", 1, 6, AT, List.of(), 1.0), 5))
        .isEqualTo(SettleDeadLetters.Result.MOVED_ON);
    // The reconciler's own verdict, dead-lettered, against a job a runner claimed since: the runner wins.
    assertThat(settle.settle(new JobEvent.Failed("claimed", 1, JobEvent.RECONCILER_SEQUENCE, AT,
        JobError.of("dispatch_failed", "late"), 0), 5)).isEqualTo(SettleDeadLetters.Result.MOVED_ON);

    assertThat(f.events.published).isEmpty();
    assertThat(f.notifications.published).hasSize(notified);
    assertThat(job("ended").error().type()).isEqualTo("OOM");
    assertThat(job("requeued").status()).isEqualTo(JobStatus.QUEUED);
    assertThat(job("claimed").status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void aSecondCopyOfATerminalDeadLetterChangesNothing() {
    running("p-1");
    moveTo("p-1", JobStatus.LOST);
    JobEvent done = new JobEvent.TimedOut("p-1", 1, 7, AT, JobError.of("watchdog", "no progress"), 60.0);
    assertASecondCopyChangesNothing(() -> settle.settle(done, 5));
  }

  @Test
  void eventsThatAreNotAnEndAreDropped() {
    running("p-1");
    Job before = job("p-1");

    assertThat(List.<JobEvent>of(
        new JobEvent.Started("p-1", 1, 2, AT, "exec-1"),
        new JobEvent.Progressed("p-1", 1, 3, AT, new Progress("3", 5, 20)),
        new JobEvent.OutputProduced("p-1", 1, 4, AT, null)))
        .extracting(event -> settle.settle(event, 5))
        .containsOnly(SettleDeadLetters.Result.DROPPED);
    assertThat(job("p-1")).isEqualTo(before);
    assertThat(f.events.published).isEmpty();
  }

  // ---- what can never be settled ---------------------------------------------------------------------

  @Test
  void deadLettersWithNoJobOrAnUnknownJobAreAcknowledged() {
    assertThat(settle.settle(new JobSubmitted(null, null, 0), 5)).isEqualTo(SettleDeadLetters.Result.MALFORMED);
    assertThat(settle.settle(new JobSubmitted(" ", "alice", 1), 5)).isEqualTo(SettleDeadLetters.Result.MALFORMED);
    assertThat(settle.settle(new JobEvent.Failed(null, 0, 0, null, null, 0), 5)).isEqualTo(SettleDeadLetters.Result.MALFORMED);
    assertThat(settle.settle(new JobSubmitted("ghost", "alice", 1), 5)).isEqualTo(SettleDeadLetters.Result.UNKNOWN_JOB);
    assertThat(settle.settle(new JobEvent.Cancelled("ghost", 1, 3, AT, 0), 5)).isEqualTo(SettleDeadLetters.Result.UNKNOWN_JOB);
    assertThat(f.events.published).isEmpty();
  }
}
