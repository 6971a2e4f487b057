package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.limits.GpuQuota;
import dev.darkroom.core.limits.PerTier;
import dev.darkroom.core.port.JobChange.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 4: the monthly GPU quota holds at dispatch, not only at submit (where concurrent
 * submissions all pass), and every attempt's GPU time is billed, not only the last attempt's.
 */
class GpuQuotaAtDispatchTest {
  private static final Instant MONTH_START = Instant.parse("2026-11-01T00:00:00Z");
  private final UseCaseFixture f = new UseCaseFixture();
  private final DispatchJobs dispatch = new DispatchJobs(f.jobs, f.launcher, f.pool, f.limits,
      new GpuQuota(f.ledger, PerTier.parse("free=60", 0), f.clock), f.events, f.ledger, f.clock);
  private final KeepJobAlive heartbeat = new KeepJobAlive(f.jobs, f.clock);

  private void submitFree(String id) {
    f.submit.submit(f.request("alice", id));
    f.jobs.update(id, current -> Outcome.write(current.orElseThrow().withTier("free"), null));
  }

  private double billed() {
    return f.ledger.gpuSecondsSince("alice", MONTH_START);
  }

  @Test
  void aJobSubmittedBeforeItsUserUsedUpTheQuotaFailsAtDispatchAndLaunchesNothing() {
    // Two prompts sent at once both pass the submit check: nothing is billed yet.
    submitFree("p-1");
    submitFree("p-2");
    assertThat(dispatch.dispatch(new JobSubmitted("p-1", "alice", 1))).isEqualTo(DispatchJobs.Result.LAUNCHED);
    f.claim.claim("p-1", "exec-1");
    f.apply.apply(new JobEvent.Succeeded("p-1", 1, 1, f.clock.instant(), List.of(), 100));

    dispatch.dispatch(new JobSubmitted("p-2", "alice", 1));
    f.events.published.forEach(f.apply::apply);

    assertThat(f.launcher.launched).as("launches").containsExactly(List.of("p-1"));
    Job refused = f.jobs.get("p-2").orElseThrow();
    assertThat(refused.status()).as("p-2's status").isEqualTo(JobStatus.FAILED);
    assertThat(refused.error().type()).isEqualTo("gpu_quota_exceeded");
    assertThat(refused.error().message()).contains("tier free includes 60 GPU-seconds a month; 100 used");
  }

  @Test
  void whenAnEndUsesUpTheMonthTheUsersQueuedJobsFailSoNoDrainingTaskTakesThem() {
    ApplyJobEvent apply = new ApplyJobEvent(f.jobs, f.ledger, f.notifications,
        new GpuQuota(f.ledger, PerTier.parse("free=60", 0), f.clock), f.clock);
    submitFree("p-1");
    submitFree("p-2");
    dispatch.dispatch(new JobSubmitted("p-1", "alice", 1));
    assertThat(dispatch.dispatch(new JobSubmitted("p-2", "alice", 1))).isEqualTo(DispatchJobs.Result.USER_AT_LIMIT);
    f.claim.claim("p-1", "exec-1");

    apply.apply(new JobEvent.Succeeded("p-1", 1, 1, f.clock.instant(), List.of(), 100));

    assertThat(new DrainOrder(f.jobs, new FairShare(f.jobs, f.limits)).next(null, 5))
        .as("what a task draining the queue would claim").isEmpty();
    Job refused = f.jobs.get("p-2").orElseThrow();
    assertThat(refused.status()).isEqualTo(JobStatus.FAILED);
    assertThat(refused.error().type()).isEqualTo("gpu_quota_exceeded");
    assertThat(f.notifications.published).extracting(n -> n.jobId() + " " + n.status())
        .containsExactly("p-1 succeeded", "p-2 failed");
  }

  @Test
  void aLostAttemptsGpuTimeIsBilledWithTheAttemptThatFinishes() {
    submitFree("p-1");
    dispatch.dispatch(new JobSubmitted("p-1", "alice", 1));
    f.claim.claim("p-1", "exec-1");
    f.clock.advance(Duration.ofSeconds(100));
    heartbeat.beat("p-1", "exec-1", 1);
    f.clock.advance(Duration.ofMinutes(4)); // the task died: no heartbeat since
    f.reconcile.sweep();
    assertThat(f.jobs.get("p-1").orElseThrow().attempt()).isEqualTo(2);

    f.claim.claim("p-1", "exec-2");
    f.apply.apply(new JobEvent.Succeeded("p-1", 2, 1, f.clock.instant(), List.of(), 30));

    assertThat(billed()).as("GPU-seconds billed: 100 lost + 30").isEqualTo(130.0);
  }

  @Test
  void aHandedBackAttemptsGpuTimeIsBilledWithTheAttemptThatFinishes() {
    submitFree("p-1");
    dispatch.dispatch(new JobSubmitted("p-1", "alice", 1));
    f.claim.claim("p-1", "exec-1");
    f.clock.advance(Duration.ofSeconds(40));
    new HandBackJob(f.jobs, f.queue, f.clock).handBack("p-1", "exec-1");

    f.claim.claim("p-1", "exec-2");
    f.apply.apply(new JobEvent.Succeeded("p-1", 2, 1, f.clock.instant(), List.of(), 10));

    assertThat(billed()).as("GPU-seconds billed: 40 handed back + 10").isEqualTo(50.0);
  }
}
