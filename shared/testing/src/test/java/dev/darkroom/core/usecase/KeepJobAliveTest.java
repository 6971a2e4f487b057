package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.testing.RecordingJobQueue;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeepJobAliveTest {
  private final UseCaseFixture f = new UseCaseFixture();
  private final KeepJobAlive heartbeat = new KeepJobAlive(f.jobs, f.clock);

  private void claimed(String execution) {
    f.submit.submit(f.request("alice", "p-1"));
    f.dispatch.dispatch(f.queue.published.get(0));
    f.claim.claim("p-1", execution);
  }

  @Test
  void aClaimStartsTheHeartbeatAndTheRunnerKeepsItGoing() {
    claimed("exec-a");
    assertThat(f.jobs.get("p-1").orElseThrow().heartbeatAt()).isEqualTo(UseCaseFixture.NOW);

    f.clock.advance(java.time.Duration.ofSeconds(30));
    assertThat(heartbeat.beat("p-1", "exec-a", 1)).isTrue();
    assertThat(f.jobs.get("p-1").orElseThrow().heartbeatAt()).isEqualTo(UseCaseFixture.NOW.plusSeconds(30));
  }

  @Test
  void anotherExecutionOrAnOldAttemptIsToldTheJobIsNotItsOwn() {
    claimed("exec-a");
    assertThat(heartbeat.beat("p-1", "exec-b", 1)).isFalse();
    assertThat(heartbeat.beat("p-1", "exec-a", 2)).isFalse();
    assertThat(heartbeat.beat("ghost", "exec-a", 1)).isFalse();
  }

  @Test
  void anEndedOrRequeuedJobStopsTheRunAndLosesItsHeartbeat() {
    claimed("exec-a");
    f.apply.apply(new JobEvent.Cancelled("p-1", 1, 2, UseCaseFixture.NOW, 0.5));
    assertThat(f.jobs.get("p-1").orElseThrow().heartbeatAt()).isNull();
    assertThat(heartbeat.beat("p-1", "exec-a", 1)).isFalse();
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);

    f.submit.submit(f.request("alice", "p-2"));
    f.dispatch.dispatch(f.queue.published.get(1));
    f.claim.claim("p-2", "exec-a");
    new HandBackJob(f.jobs, new RecordingJobQueue(), f.clock).handBack("p-2", "exec-a");
    assertThat(heartbeat.beat("p-2", "exec-a", 1)).isFalse();
    assertThat(f.jobs.get("p-2").orElseThrow().heartbeatAt()).isNull();
    assertThat(List.of(f.jobs.get("p-2").orElseThrow().status())).containsExactly(JobStatus.QUEUED);
  }
}
