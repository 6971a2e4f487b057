package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import org.junit.jupiter.api.Test;

class CancelJobsTest {
  private final UseCaseFixture f = new UseCaseFixture();
  private final CancelJobs cancel = new CancelJobs(f.jobs, f.ledger, f.clock);

  private String submitted(String user) {
    return ((SubmitPrompt.Result.Accepted) f.submit.submit(f.request(user, null))).promptId();
  }

  private void move(String id, JobStatus status) {
    f.jobs.update(id, current -> Outcome.write(current.orElseThrow().withStatus(status, UseCaseFixture.NOW), null));
  }

  @Test
  void aPendingJobIsCancelledAndTheLedgerRecordsIt() {
    String queued = submitted("alice");
    String dispatched = submitted("alice");
    move(dispatched, JobStatus.DISPATCHED);

    assertThat(cancel.cancelPending("alice", queued)).isEqualTo(CancelJobs.Result.CANCELLED);
    assertThat(cancel.interrupt("alice", dispatched)).isEqualTo(CancelJobs.Result.CANCELLED);
    assertThat(f.jobs.get(queued).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(f.jobs.get(queued).orElseThrow().hiddenFromHistory()).as("never ran: not in ComfyUI's history").isTrue();
    assertThat(f.ledger.rows.get(dispatched).status()).isEqualTo(JobStatus.CANCELLED);
  }

  @Test
  void aRunningJobIsOnlyAskedToStopAndOnlyByInterrupt() {
    String running = submitted("alice");
    move(running, JobStatus.RUNNING);

    assertThat(cancel.cancelPending("alice", running)).isEqualTo(CancelJobs.Result.UNCHANGED);
    assertThat(f.jobs.get(running).orElseThrow().cancelRequested()).isFalse();
    assertThat(cancel.interrupt("alice", running)).isEqualTo(CancelJobs.Result.INTERRUPT_REQUESTED);
    assertThat(f.jobs.get(running).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    assertThat(f.jobs.get(running).orElseThrow().cancelRequested()).isTrue();
    assertThat(cancel.interrupt("alice", running)).as("asked once").isEqualTo(CancelJobs.Result.UNCHANGED);
  }

  @Test
  void anotherUsersOrAFinishedOrAnUnknownJobIsLeftAlone() {
    String bobs = submitted("bob");
    String done = submitted("alice");
    move(done, JobStatus.RUNNING);
    move(done, JobStatus.SUCCEEDED);

    assertThat(cancel.interrupt("alice", bobs)).isEqualTo(CancelJobs.Result.UNCHANGED);
    assertThat(cancel.cancelPending("alice", done)).isEqualTo(CancelJobs.Result.UNCHANGED);
    assertThat(cancel.interrupt("alice", done)).isEqualTo(CancelJobs.Result.UNCHANGED);
    assertThat(cancel.cancelPending("alice", "no-such-job")).isEqualTo(CancelJobs.Result.UNCHANGED);
    assertThat(f.jobs.get(bobs).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(f.jobs.get("no-such-job")).isEmpty();
  }
}
