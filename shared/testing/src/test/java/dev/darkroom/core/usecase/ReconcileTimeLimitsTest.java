package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The reconciler and a job's time limit: a job whose task died after its limit passed ends
 * {@code timed_out}, billed to its last heartbeat, and is not run again; one still under its limit
 * is retried as before.
 */
class ReconcileTimeLimitsTest {
  private final UseCaseFixture f = new UseCaseFixture();

  /** A job of {@code maxRunSeconds}, claimed by exec-1 now, its last heartbeat {@code beatAfter} later. */
  private void runningWithLimit(String id, long maxRunSeconds, Duration beatAfter) {
    f.submit.submit(f.request("alice", id).cappedAt(maxRunSeconds));
    f.dispatch.dispatch(f.queue.published.get(f.queue.published.size() - 1));
    assertThat(f.claim.claim(id, "exec-1")).isPresent();
    f.clock.advance(beatAfter);
    assertThat(new KeepJobAlive(f.jobs, f.clock).beat(id, "exec-1", 1)).isTrue();
  }

  private void applyReconcilerEvents() {
    f.events.published.forEach(f.apply::apply);
  }

  @Test
  void aJobWhoseTaskDiedPastItsLimitTimesOutBilledToItsLastHeartbeat() {
    runningWithLimit("p-1", 600, Duration.ofMinutes(5));
    assertThat(f.jobs.get("p-1").orElseThrow().maxRunSeconds()).isEqualTo(600);
    f.clock.advance(Duration.ofMinutes(6)); // 11 min since the claim: past the 10 min limit, no heartbeat for 6

    ReconcileJobs.Report report = f.reconcile.sweep();

    assertThat(report.lost()).isEqualTo(1);
    assertThat(report.requeued()).as("not run again").isZero();
    assertThat(report.failed()).isEqualTo(1);
    assertThat(f.queue.published).doesNotContain(new JobSubmitted("p-1", "alice", 2));
    applyReconcilerEvents();
    Job ended = f.jobs.get("p-1").orElseThrow();
    assertThat(ended.status()).isEqualTo(JobStatus.TIMED_OUT);
    assertThat(ended.attempt()).isEqualTo(1);
    assertThat(ended.error().type()).isEqualTo(JobError.TIME_LIMIT_EXCEEDED);
    assertThat(ended.error().message()).contains("600 s").contains("max_run_seconds");
    assertThat(ended.billedGpuSeconds()).as("claim to last heartbeat").isEqualTo(300.0);
    assertThat(f.ledger.rows.get("p-1").status()).isEqualTo(JobStatus.TIMED_OUT);
    assertThat(f.ledger.rows.get("p-1").billedGpuSeconds()).isEqualTo(300.0);
    assertThat(f.notifications.published).singleElement()
        .satisfies(n -> assertThat(n.status()).isEqualTo("timed_out"));
  }

  @Test
  void aJobWhoseTaskDiedUnderItsLimitIsRequeuedAsBefore() {
    runningWithLimit("p-1", 3600, Duration.ofMinutes(2));
    f.clock.advance(Duration.ofMinutes(4));

    ReconcileJobs.Report report = f.reconcile.sweep();

    assertThat(report.lost()).isEqualTo(1);
    assertThat(report.requeued()).isEqualTo(1);
    assertThat(f.queue.published).last().isEqualTo(new JobSubmitted("p-1", "alice", 2));
    Job requeued = f.jobs.get("p-1").orElseThrow();
    assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(requeued.earlierAttemptsGpuSeconds()).as("the lost attempt is billed").isEqualTo(120.0);
    assertThat(requeued.maxRunSeconds()).as("the next attempt has the same limit").isEqualTo(3600);
    assertThat(f.events.published).isEmpty();
  }

  @Test
  void aSweepThatCrashedAfterMarkingLostTimesItOutOnTheNextSweep() {
    runningWithLimit("p-1", 600, Duration.ofMinutes(9));
    f.jobs.update("p-1", current -> JobChange.Outcome.write(current.orElseThrow().lost(f.clock.instant()), null));
    f.clock.advance(Duration.ofMinutes(2));

    assertThat(f.reconcile.sweep().failed()).isEqualTo(1);
    applyReconcilerEvents();

    Job ended = f.jobs.get("p-1").orElseThrow();
    assertThat(ended.status()).isEqualTo(JobStatus.TIMED_OUT);
    assertThat(ended.billedGpuSeconds()).isEqualTo(540.0);
  }

  @Test
  void theVerdictRepeatedOrLateChangesNothing() {
    runningWithLimit("p-1", 600, Duration.ofMinutes(5));
    f.clock.advance(Duration.ofMinutes(6));
    f.reconcile.sweep();
    JobEvent verdict = f.events.published.get(0);
    assertThat(f.apply.apply(verdict)).isEqualTo(ApplyJobEvent.Result.APPLIED);
    Job ended = f.jobs.get("p-1").orElseThrow();

    assertThat(f.apply.apply(verdict)).isEqualTo(ApplyJobEvent.Result.DUPLICATE);
    // The runner's own end, had it lived to send it, comes too late to change the verdict.
    assertThat(f.apply.apply(new JobEvent.Succeeded("p-1", 1, 7, f.clock.instant(), java.util.List.of(), 299)))
        .isEqualTo(ApplyJobEvent.Result.STALE);

    assertThat(f.jobs.get("p-1").orElseThrow()).isEqualTo(ended);
    assertThat(f.notifications.published).as("one per terminal status, redelivered with its id")
        .allSatisfy(n -> assertThat(n.status()).isEqualTo("timed_out"));
  }

  @Test
  void aVerdictForAJobThatEndedMeanwhileChangesNothing() {
    runningWithLimit("p-1", 600, Duration.ofMinutes(5));
    f.clock.advance(Duration.ofMinutes(6));
    f.reconcile.sweep();
    // Before job-events hears the verdict, the job ends another way (a cancel that landed first).
    f.jobs.update("p-1", current -> JobChange.Outcome.write(
        current.orElseThrow().withStatus(JobStatus.CANCELLED, f.clock.instant()), null));
    Job cancelled = f.jobs.get("p-1").orElseThrow();

    assertThat(f.apply.apply(f.events.published.get(0))).isEqualTo(ApplyJobEvent.Result.STALE);
    assertThat(f.jobs.get("p-1").orElseThrow()).isEqualTo(cancelled);
    assertThat(f.notifications.published).isEmpty();
  }
}
