package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.testing.InMemoryJobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunningJobWatchTest {
  private static final String EXECUTION = "exec-1";
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RunningJobWatch watch =
      new RunningJobWatch(jobs, new FakeEngine(), Clock.systemUTC(), Duration.ofMillis(10), Duration.ofMillis(20));

  private Job running(String id) {
    Job job = Job.builder(id, "alice", JobStatus.RUNNING).attempt(1).executionName(EXECUTION)
        .createdAt(Instant.now()).updatedAt(Instant.now()).heartbeatAt(Instant.now()).build();
    jobs.update(id, current -> Outcome.write(job, null));
    return job;
  }

  @Test
  void aReportedJobIsKeptAliveUntilItsEndIsAppliedThenTheTaskMayLeave() throws Exception {
    Job job = running("job-1");
    Instant reportedAt = Instant.now();
    watch.settle(job, EXECUTION);

    // Its end is still on its way: the heartbeat goes on, so the reconciler does not call it lost.
    await().atMost(Duration.ofSeconds(5))
        .until(() -> jobs.get("job-1").orElseThrow().heartbeatAt().isAfter(reportedAt));
    assertThat(watch.awaitSettled(Duration.ofMillis(50))).isFalse();

    // job-events applies the end: the next heartbeat is refused and the job is settled.
    jobs.update("job-1", current -> Outcome.write(current.orElseThrow().withStatus(JobStatus.SUCCEEDED, Instant.now()), null));
    assertThat(watch.awaitSettled(Duration.ofSeconds(5))).isTrue();
    Instant endedAt = jobs.get("job-1").orElseThrow().updatedAt();
    Thread.sleep(100);
    assertThat(jobs.get("job-1").orElseThrow().updatedAt()).as("no heartbeat after the end").isEqualTo(endedAt);
    watch.close();
  }

  @Test
  void aJobWhoseEndNeverArrivesIsGivenUpAfterTheLimit() throws Exception {
    Job job = running("job-2");
    watch.settle(job, EXECUTION);
    // 20 heartbeats of 20 ms.
    assertThat(watch.awaitSettled(Duration.ofSeconds(10))).isTrue();
    assertThat(jobs.get("job-2").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    watch.close();
  }
}
