package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobLauncher.CapacityExhaustedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconcileJobsTest {
  private final UseCaseFixture f = new UseCaseFixture();

  private void submitted(String id) {
    f.submit.submit(f.request("alice", id));
  }

  private JobSubmitted lastSubmitted() {
    return f.queue.published.get(f.queue.published.size() - 1);
  }

  private void applyReconcilerEvents() {
    f.events.published.forEach(f.apply::apply);
  }

  @Test
  void aQueuedJobNoDispatchTookIsPublishedAgainAndThenRuns() {
    submitted("p-1");
    f.launcher.failNext(() -> new CapacityExhaustedException("quota", null));
    assertThat(f.dispatch.dispatch(lastSubmitted())).isEqualTo(DispatchJobs.Result.NO_CAPACITY);

    assertThat(f.reconcile.sweep().total()).as("not stale yet").isZero();
    f.clock.advance(Duration.ofMinutes(3));
    assertThat(f.reconcile.sweep().republished()).isEqualTo(1);

    assertThat(lastSubmitted()).isEqualTo(new JobSubmitted("p-1", "alice", 1));
    assertThat(f.dispatch.dispatch(lastSubmitted())).isEqualTo(DispatchJobs.Result.LAUNCHED);
    assertThat(f.reconcile.sweep().total()).as("dispatched just now").isZero();
  }

  @Test
  void queuedJobsAreRepublishedOnlyForFreeSlotsOldestFirst() {
    for (int i = 1; i <= 4; i++) {
      submitted("p-" + i);
      f.clock.advance(Duration.ofSeconds(1));
    }
    // One of the pool's two slots is held by a task that is busy: one job may start elsewhere.
    f.pool.reserve(f.clock.instant(), f.clock.instant().plus(Duration.ofHours(1))).orElseThrow();
    f.queue.published.clear();
    f.clock.advance(Duration.ofMinutes(3));

    assertThat(f.reconcile.sweep().republished()).isEqualTo(1);
    assertThat(f.queue.published).containsExactly(new JobSubmitted("p-1", "alice", 1));

    // Every slot held: the tasks holding them drain the queue; nothing is re-published.
    f.pool.reserve(f.clock.instant(), f.clock.instant().plus(Duration.ofHours(1))).orElseThrow();
    assertThat(f.reconcile.sweep().republished()).isZero();
  }

  @Test
  void aJobQueuedForTooLongFailsThroughJobEvents() {
    submitted("p-1");
    f.clock.advance(Duration.ofHours(25));

    assertThat(f.reconcile.sweep().failed()).isEqualTo(1);
    applyReconcilerEvents();

    assertThat(f.jobs.get("p-1").orElseThrow()).satisfies(job -> {
      assertThat(job.status()).isEqualTo(JobStatus.FAILED);
      assertThat(job.error().type()).isEqualTo("queue_timeout");
    });
    assertThat(f.notifications.published).singleElement().satisfies(n -> assertThat(n.status()).isEqualTo("failed"));
    assertThat(f.ledger.rows.get("p-1").status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void aDispatchedJobNoRunnerClaimedGoesBackToTheQueueAsANewAttempt() {
    submitted("p-1");
    f.dispatch.dispatch(lastSubmitted());
    f.clock.advance(Duration.ofMinutes(16));

    assertThat(f.reconcile.sweep().requeued()).isEqualTo(1);

    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(lastSubmitted()).isEqualTo(new JobSubmitted("p-1", "alice", 2));
    // The late runner of the first execution may still claim it: once, and only once.
    assertThat(f.claim.claim("p-1", "exec-late")).isPresent();
    assertThat(f.dispatch.dispatch(lastSubmitted())).isEqualTo(DispatchJobs.Result.NOT_QUEUED);
  }

  @Test
  void aDispatchedJobWhoseExecutionEndedOrVanishedIsRequeuedBeforeTheTimeout() {
    submitted("p-1");
    f.dispatch.dispatch(lastSubmitted());
    submitted("p-2");
    f.dispatch.dispatch(lastSubmitted());
    String first = f.jobs.get("p-1").orElseThrow().executionName();
    String second = f.jobs.get("p-2").orElseThrow().executionName();
    f.clock.advance(Duration.ofMinutes(2));

    assertThat(f.reconcile.sweep().requeued()).as("both executions still running").isZero();

    f.launcher.states.put(first, dev.darkroom.core.port.ExecutionStatus.State.ENDED);
    f.launcher.states.put(second, dev.darkroom.core.port.ExecutionStatus.State.MISSING);
    assertThat(f.reconcile.sweep().requeued()).isEqualTo(2);
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(f.jobs.get("p-2").orElseThrow().attempt()).isEqualTo(2);
  }

  @Test
  void aRunningJobWhoseEndIsOnItsWayIsNotLostUntilTheGraceRunsOut() {
    submitted("p-1");
    f.dispatch.dispatch(lastSubmitted());
    f.claim.claim("p-1", "exec-1");
    assertThat(new KeepJobAlive(f.jobs, f.clock).ending("p-1", "exec-1", 1)).isTrue();

    // Pub/Sub holds its end for longer than lostAfter (a job-events backlog): not lost.
    f.clock.advance(Duration.ofMinutes(10));
    assertThat(f.reconcile.sweep().lost()).isZero();
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

    // Past the grace the end is taken as gone: lost and retried as usual.
    f.clock.advance(Duration.ofMinutes(25));
    assertThat(f.reconcile.sweep().lost()).isEqualTo(1);
    assertThat(f.jobs.get("p-1").orElseThrow().attempt()).isEqualTo(2);
  }

  @Test
  void aRunningJobWithAStaleHeartbeatIsLostThenRetriedWithinItsBudgetThenFailed() {
    submitted("p-1");
    for (int attempt = 1; attempt <= 3; attempt++) {
      f.dispatch.dispatch(lastSubmitted());
      assertThat(f.claim.claim("p-1", "exec-" + attempt)).isPresent();
      f.clock.advance(Duration.ofMinutes(2));
      new KeepJobAlive(f.jobs, f.clock).beat("p-1", "exec-" + attempt, attempt);
      f.clock.advance(Duration.ofMinutes(2));
      assertThat(f.reconcile.sweep().total()).as("heartbeat 2 min old: alive").isZero();
      f.clock.advance(Duration.ofMinutes(2));

      ReconcileJobs.Report report = f.reconcile.sweep();

      assertThat(report.lost()).isEqualTo(1);
      if (attempt < 3) {
        assertThat(report.requeued()).isEqualTo(1);
        assertThat(lastSubmitted()).isEqualTo(new JobSubmitted("p-1", "alice", attempt + 1));
      } else {
        assertThat(report.failed()).isEqualTo(1);
      }
    }
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.LOST);
    applyReconcilerEvents();
    assertThat(f.jobs.get("p-1").orElseThrow()).satisfies(job -> {
      assertThat(job.status()).isEqualTo(JobStatus.FAILED);
      assertThat(job.error().type()).isEqualTo("lost");
      assertThat(job.attempt()).isEqualTo(3);
    });
    assertThat(f.notifications.published).hasSize(1);
  }

  @Test
  void theReconcilersVerdictNeverEndsAJobARunnerHasClaimedSince() {
    submitted("p-1");
    f.dispatch.dispatch(lastSubmitted());
    assertThat(f.claim.claim("p-1", "exec-1")).isPresent();

    JobEvent verdict = new JobEvent.Failed("p-1", 1, JobEvent.RECONCILER_SEQUENCE, UseCaseFixture.NOW,
        dev.darkroom.core.job.JobError.of("dispatch_failed", "late"), 0);

    assertThat(f.apply.apply(verdict)).isEqualTo(ApplyJobEvent.Result.STALE);
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void aSweepThatCrashedAfterMarkingLostIsFinishedByTheNext() {
    submitted("p-1");
    f.dispatch.dispatch(lastSubmitted());
    f.claim.claim("p-1", "exec-1");
    f.jobs.update("p-1", current -> dev.darkroom.core.port.JobChange.Outcome.write(
        current.orElseThrow().withStatus(JobStatus.LOST, f.clock.instant()), null));

    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.reconcile.sweep().requeued()).isEqualTo(1);
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }
}
