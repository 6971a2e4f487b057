package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.job.JobStatus;
import org.junit.jupiter.api.Test;

class ClaimJobTest {
  private final UseCaseFixture f = new UseCaseFixture();

  @Test
  void onlyTheFirstOfTwoRunnersGetsTheJob() {
    f.submit.submit(f.request("alice", "p-1"));
    f.dispatch.dispatch(f.queue.published.get(0));

    assertThat(f.claim.claim("p-1", "exec-a")).hasValueSatisfying(job -> {
      assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
      assertThat(job.executionName()).isEqualTo("exec-a");
    });
    assertThat(f.claim.claim("p-1", "exec-b")).isEmpty();
    assertThat(f.jobs.get("p-1").orElseThrow().executionName()).isEqualTo("exec-a");
  }

  @Test
  void aFinishedOrMissingJobCannotBeClaimed() {
    assertThat(f.claim.claim("ghost", "exec-a")).isEmpty();
    f.submit.submit(f.request("alice", "p-1"));
    f.jobs.update("p-1", current -> dev.darkroom.core.port.JobChange.Outcome.write(
        current.orElseThrow().withStatus(JobStatus.CANCELLED, UseCaseFixture.NOW), null));
    assertThat(f.claim.claim("p-1", "exec-a")).isEmpty();
  }

  @Test
  void aRetriedTaskOfTheSameExecutionTakesItsJobBackAsANewAttempt() {
    f.submit.submit(f.request("alice", "p-1"));
    f.dispatch.dispatch(f.queue.published.get(0));
    assertThat(f.claim.claim("p-1", "exec-a")).hasValueSatisfying(job -> assertThat(job.attempt()).isEqualTo(1));
    f.apply.apply(new dev.darkroom.core.event.JobEvent.Progressed("p-1", 1, 2, UseCaseFixture.NOW,
        new dev.darkroom.core.job.Progress("3", 5, 20)));

    // The task's first attempt died; Cloud Run retries it in the same execution.
    assertThat(f.claim.claim("p-1", "exec-a")).hasValueSatisfying(job -> {
      assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
      assertThat(job.attempt()).isEqualTo(2);
      assertThat(job.lastSequence()).isZero();
    });
    // A late event of the dead attempt changes nothing; the new attempt's events apply.
    assertThat(f.apply.apply(new dev.darkroom.core.event.JobEvent.Succeeded("p-1", 1, 3, UseCaseFixture.NOW, java.util.List.of(), 1)))
        .isEqualTo(ApplyJobEvent.Result.STALE);
    assertThat(f.apply.apply(new dev.darkroom.core.event.JobEvent.Started("p-1", 2, 1, UseCaseFixture.NOW, "exec-a")))
        .isEqualTo(ApplyJobEvent.Result.APPLIED);
  }

  @Test
  void anotherExecutionNeverTakesARunningJob() {
    f.submit.submit(f.request("alice", "p-1"));
    f.dispatch.dispatch(f.queue.published.get(0));
    f.claim.claim("p-1", "exec-a");
    assertThat(f.claim.claim("p-1", "exec-b")).isEmpty();
    assertThat(f.jobs.get("p-1").orElseThrow().attempt()).isEqualTo(1);
  }
}
