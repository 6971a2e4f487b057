package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.JobLauncher.CapacityExhaustedException;
import org.junit.jupiter.api.Test;

class DispatchJobsTest {
  private final UseCaseFixture f = new UseCaseFixture();

  private JobSubmitted submitted() {
    f.submit.submit(f.request("alice", "p-1"));
    return f.queue.published.get(0);
  }

  @Test
  void aQueuedJobIsLaunchedOnceAndRemembersItsExecution() {
    JobSubmitted message = submitted();
    assertThat(f.dispatch.dispatch(message)).isEqualTo(DispatchJobs.Result.LAUNCHED);

    Job job = f.jobs.get("p-1").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.DISPATCHED);
    assertThat(job.executionName()).isEqualTo("projects/p/locations/us-central1/jobs/gpu/executions/exec-1");
    assertThat(f.launcher.launched).containsExactly(java.util.List.of("p-1"));
    assertThat(f.ledger.rows.get("p-1").executionName()).isEqualTo("projects/p/locations/us-central1/jobs/gpu/executions/exec-1");
  }

  @Test
  void aDuplicatedMessageNeverLaunchesTwice() {
    JobSubmitted message = submitted();
    f.dispatch.dispatch(message);
    assertThat(f.dispatch.dispatch(message)).isEqualTo(DispatchJobs.Result.NOT_QUEUED);
    assertThat(f.dispatch.dispatch(message)).isEqualTo(DispatchJobs.Result.NOT_QUEUED);
    assertThat(f.launcher.launched).hasSize(1);
  }

  @Test
  void aMessageOfAnOlderAttemptIsIgnored() {
    JobSubmitted message = submitted();
    JobSubmitted old = new JobSubmitted(message.jobId(), message.userId(), 0);
    assertThat(f.dispatch.dispatch(old)).isEqualTo(DispatchJobs.Result.NOT_QUEUED);
    assertThat(f.launcher.launched).isEmpty();
  }

  @Test
  void anUnknownJobCanNeverSucceed() {
    assertThat(f.dispatch.dispatch(new JobSubmitted("ghost", "alice", 1)))
        .isEqualTo(DispatchJobs.Result.UNKNOWN_JOB);
  }

  private DispatchJobs pausing(java.util.List<java.time.Duration> pauses, Runnable onPause) {
    return new DispatchJobs(f.jobs, f.launcher, f.pool, FairShare.Limits.none(), f.ledger, f.clock, duration -> {
      pauses.add(duration);
      f.clock.advance(duration);
      onPause.run();
    });
  }

  @Test
  void aMessageThatCameBeforeItsJobWasStoredWaitsForTheJobAndLaunchesIt() {
    java.util.List<java.time.Duration> pauses = new java.util.ArrayList<>();
    JobSubmitted early = new JobSubmitted("job-1", "alice", 1);
    // The create lands during dispatch's second wait.
    DispatchJobs dispatch = pausing(pauses, () -> {
      if (pauses.size() == 2) {
        f.submit.submit(f.request("alice", null));
      }
    });

    assertThat(dispatch.dispatch(early, f.clock.instant())).isEqualTo(DispatchJobs.Result.LAUNCHED);
    assertThat(pauses).hasSize(2);
    assertThat(f.launcher.launched).containsExactly(java.util.List.of("job-1"));
  }

  @Test
  void aYoungMessageWhoseJobIsStillNotStoredIsDeliveredAgain() {
    java.util.List<java.time.Duration> pauses = new java.util.ArrayList<>();
    DispatchJobs dispatch = pausing(pauses, () -> {});

    assertThatThrownBy(() -> dispatch.dispatch(new JobSubmitted("job-9", "alice", 1), f.clock.instant()))
        .isInstanceOf(DispatchJobs.JobNotStoredYetException.class)
        .hasMessageContaining("job-9");
    assertThat(pauses.stream().mapToLong(java.time.Duration::toMillis).sum()).isEqualTo(2_000);
    assertThat(f.launcher.launched).isEmpty();
  }

  @Test
  void anOldMessageWhoseJobWasNeverStoredIsDroppedWithoutWaiting() {
    java.util.List<java.time.Duration> pauses = new java.util.ArrayList<>();
    DispatchJobs dispatch = pausing(pauses, () -> {});
    java.time.Instant publishedAt = f.clock.instant().minus(DispatchJobs.NOT_STORED_YET_GRACE).minusSeconds(1);

    assertThat(dispatch.dispatch(new JobSubmitted("job-9", "alice", 1), publishedAt))
        .isEqualTo(DispatchJobs.Result.UNKNOWN_JOB);
    assertThat(pauses).isEmpty();
  }

  @Test
  void noCapacityLeavesTheJobQueuedWithoutThrowing() {
    JobSubmitted message = submitted();
    f.launcher.failNext(() -> new CapacityExhaustedException("RESOURCE_EXHAUSTED: GPU quota", null));
    assertThat(f.dispatch.dispatch(message)).isEqualTo(DispatchJobs.Result.NO_CAPACITY);
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(f.pool.usage(f.clock.instant()).held()).as("the refused launch's slot is free again").isZero();
  }

  @Test
  void eachLaunchHoldsASlotAndAFullPoolLeavesJobsQueuedWithoutLaunching() {
    for (int i = 1; i <= 3; i++) {
      f.submit.submit(f.request("alice", "p-" + i));
    }
    assertThat(f.dispatch.dispatch(f.queue.published.get(0))).isEqualTo(DispatchJobs.Result.LAUNCHED);
    assertThat(f.dispatch.dispatch(f.queue.published.get(1))).isEqualTo(DispatchJobs.Result.LAUNCHED);
    assertThat(f.dispatch.dispatch(f.queue.published.get(2))).isEqualTo(DispatchJobs.Result.NO_CAPACITY);

    assertThat(f.launcher.launched).hasSize(2);
    assertThat(f.launcher.slots).extracting(GpuPool.Lease::slot).containsExactlyInAnyOrder("slot-0", "slot-1");
    assertThat(f.jobs.get("p-3").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);

    // The first task exits and gives its slot back: the next pass launches.
    f.pool.release(f.launcher.slots.get(0));
    assertThat(f.dispatch.dispatch(f.queue.published.get(2))).isEqualTo(DispatchJobs.Result.LAUNCHED);
  }

  @Test
  void idleTasksThatCanTakeTheWholeQueueGetTheJobInsteadOfALaunch() {
    GpuPool.Lease idleTask = f.pool.reserve(f.clock.instant(), f.clock.instant().plusSeconds(60)).orElseThrow();
    f.pool.renew(idleTask, true, f.clock.instant().plusSeconds(60));
    f.submit.submit(f.request("alice", "p-1"));
    assertThat(f.dispatch.dispatch(f.queue.published.get(0))).isEqualTo(DispatchJobs.Result.LEFT_FOR_IDLE_TASK);
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);

    // A second queued job is more than one idle task takes at once: that one launches.
    f.submit.submit(f.request("bob", "p-2"));
    assertThat(f.dispatch.dispatch(f.queue.published.get(1))).isEqualTo(DispatchJobs.Result.LAUNCHED);
    assertThat(f.launcher.launched).containsExactly(java.util.List.of("p-2"));
  }

  @Test
  void aMessageForAJobNoLongerQueuedTakesNoSlot() {
    JobSubmitted message = submitted();
    f.dispatch.dispatch(message);
    f.dispatch.dispatch(message);
    assertThat(f.pool.usage(f.clock.instant()).held()).isEqualTo(1);
  }

  @Test
  void aTransientLaunchFailureRequeuesAndThrowsSoTheRedeliveryLaunches() {
    JobSubmitted message = submitted();
    f.launcher.failNext(() -> new IllegalStateException("UNAVAILABLE"));
    assertThatThrownBy(() -> f.dispatch.dispatch(message)).hasMessage("UNAVAILABLE");
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(f.pool.usage(f.clock.instant()).held()).isZero();

    assertThat(f.dispatch.dispatch(message)).isEqualTo(DispatchJobs.Result.LAUNCHED);
    assertThat(f.launcher.launched).hasSize(1);
  }

  @Test
  void aRunnerThatClaimsDuringTheLaunchIsNotOverwritten() {
    JobSubmitted message = submitted();
    f.launcher.duringLaunch = ids -> assertThat(f.claim.claim("p-1", "exec-from-runner")).isPresent();
    assertThat(f.dispatch.dispatch(message)).isEqualTo(DispatchJobs.Result.LAUNCHED);

    var job = f.jobs.get("p-1").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(job.executionName()).isEqualTo("exec-from-runner");
  }

  @Test
  void aLaunchReadsTheJobOnceBeforeItsLaunchAndTheSlotsOnce() {
    JobSubmitted message = submitted();
    java.util.List<String> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
    JobStore countingJobs = (JobStore) java.lang.reflect.Proxy.newProxyInstance(JobStore.class.getClassLoader(),
        new Class<?>[] {JobStore.class}, (proxy, method, args) -> {
          reads.add("job " + method.getName());
          return invoke(method, f.jobs, args);
        });
    GpuPool countingPool = (GpuPool) java.lang.reflect.Proxy.newProxyInstance(GpuPool.class.getClassLoader(),
        new Class<?>[] {GpuPool.class}, (proxy, method, args) -> {
          if (!method.getName().equals("cap")) {
            reads.add("slots " + method.getName());
          }
          return invoke(method, f.pool, args);
        });
    DispatchJobs dispatch = new DispatchJobs(countingJobs, f.launcher, countingPool,
        FairShare.Limits.parse("", 5), f.ledger, f.clock);

    assertThat(dispatch.dispatch(message)).isEqualTo(DispatchJobs.Result.LAUNCHED);

    // One look at the job that claims it (a transaction), one at the slots that reserves one; after
    // the launch, one more update names the execution (a runner may have claimed it meanwhile).
    assertThat(reads).containsExactly("job update", "slots reserve", "job listForUser", "job update");
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
