package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 3: a client's {@code number}/{@code front} orders only its own jobs, and one
 * user's backlog never hides another user's runnable job from a draining task or the reconciler.
 */
class QueueFairnessTest {
  private final UseCaseFixture f = new UseCaseFixture();
  private final FairShare.Limits limits = FairShare.Limits.parse("free=1", Integer.MAX_VALUE);

  private Job submit(String user, String id, boolean front) {
    f.submit.submit(new SubmitPrompt.Request(user, UseCaseFixture.prompt(), id, null, front, "c", null));
    f.clock.advance(Duration.ofMillis(10));
    return f.jobs.update(id, current -> {
      Job job = current.orElseThrow().toBuilder().tier("free").build();
      return Outcome.write(job, job);
    });
  }

  /** Mallory (tier free: one job at a time) runs one job and keeps more queued at the front than a look reads. */
  private void malloryAtHerLimitWithAFullWindowOfFrontJobs() {
    Job running = submit("mallory", "m-running", false);
    f.jobs.update(running.id(), current -> Outcome.write(running.withStatus(JobStatus.RUNNING, f.clock.instant())
        .withHeartbeat(f.clock.instant()), null));
    for (int i = 0; i < DrainOrder.WINDOW + 5; i++) {
      submit("mallory", "m-" + i, true);
    }
  }

  @Test
  void aUserAtTheirLimitWithAWindowFullOfFrontJobsDoesNotHideAnotherUsersJobFromADrainingTask() {
    malloryAtHerLimitWithAFullWindowOfFrontJobs();
    submit("bob", "b-1", false);

    List<Job> next = new DrainOrder(f.jobs, new FairShare(f.jobs, limits)).next(null, 5);

    assertThat(next).as("what a draining task takes next").extracting(Job::id).containsExactly("b-1");
  }

  @Test
  void frontPutsAJobBeforeItsOwnersOtherJobsButNotBeforeAnOlderSubmissionOfAnotherUser() {
    submit("bob", "b-old", false);
    submit("alice", "a-old", false);
    submit("alice", "a-front", true);

    List<Job> next = new DrainOrder(f.jobs, new FairShare(f.jobs, FairShare.Limits.none())).next(null, 5);

    assertThat(next).as("bob submitted first; alice's front job goes before her own older one")
        .extracting(Job::id).containsExactly("b-old", "a-front", "a-old");
  }

  @Test
  void theReconcilerRepublishesAnotherUsersJobWhenTheOldestQueuedBelongToAUserAtTheirLimit() {
    malloryAtHerLimitWithAFullWindowOfFrontJobs();
    submit("bob", "b-1", false);
    f.queue.published.clear();
    f.clock.advance(Duration.ofMinutes(3));
    f.jobs.update("m-running", current -> Outcome.write(current.orElseThrow().withHeartbeat(f.clock.instant()), null));

    f.reconcile.sweep();

    assertThat(f.queue.published).as("jobs put back to dispatch")
        .extracting(JobSubmitted::jobId).contains("b-1").doesNotContain("m-0");
  }
}
