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
}
