package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.DispatchJobs.Result;
import dev.darkroom.core.warm.WarmTarget;
import dev.darkroom.testing.InMemoryGpuPool;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Dispatch under the keep-warm policy: a job that warm tasks will take soon is left to them, never stranded. */
class WarmTasksAtDispatchTest {
  private final UseCaseFixture f = new UseCaseFixture();
  private final InMemoryGpuPool pool = new InMemoryGpuPool(4);
  /** What the policy wants; each question it was asked, with the pool's usage. */
  private int wanted = 2;
  private final List<GpuPool.Usage> asked = new ArrayList<>();
  private final WarmTarget policy = (now, usage) -> {
    asked.add(usage);
    return wanted;
  };
  private final DispatchJobs dispatch = dispatching(f.jobs, policy);

  private DispatchJobs dispatching(JobStore jobs, WarmTarget target) {
    return new DispatchJobs(jobs, f.launcher, pool, FairShare.Limits.none(), f.ledger, f.clock, target);
  }

  /** A task up and running a job: it looks for the next one when it finishes. */
  private void busyTask() {
    pool.reserve(f.clock.instant(), f.clock.instant().plus(DispatchJobs.START_LEASE)).orElseThrow();
  }

  private void idleTask() {
    GpuPool.Lease lease = pool.reserve(f.clock.instant(), f.clock.instant().plus(DispatchJobs.START_LEASE)).orElseThrow();
    pool.renew(lease, true, f.clock.instant().plus(DispatchJobs.START_LEASE));
  }

  private JobSubmitted submitted(String id) {
    f.submit.submit(f.request("alice", id));
    return f.queue.published.get(f.queue.published.size() - 1);
  }

  private int held() {
    return pool.usage(f.clock.instant()).held();
  }

  @Test
  void aYoungJobIsLeftToBusyWarmTasksWhenThePoolHoldsWhatThePolicyWantsAndTheyCanTakeTheQueue() {
    busyTask();
    busyTask();
    JobSubmitted message = submitted("p-1");

    assertThat(dispatch.dispatch(message)).isEqualTo(Result.LEFT_FOR_WARM_TASKS);
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(f.launcher.launched).isEmpty();
    assertThat(held()).as("no slot kept for a launch that did not happen").isEqualTo(2);
    assertThat(asked).extracting(GpuPool.Usage::held).containsExactly(2);
  }

  @Test
  void aPoolBelowWhatThePolicyWantsLaunches() {
    busyTask();
    JobSubmitted message = submitted("p-1");

    assertThat(dispatch.dispatch(message)).isEqualTo(Result.LAUNCHED);
    assertThat(f.launcher.launched).containsExactly(List.of("p-1"));
  }

  @Test
  void aQueueLongerThanTheTasksUpLaunches() {
    wanted = 1;
    busyTask();
    JobSubmitted first = submitted("p-1");
    submitted("p-2");

    assertThat(dispatch.dispatch(first)).isEqualTo(Result.LAUNCHED);
    assertThat(f.launcher.launched).containsExactly(List.of("p-1"));
  }

  @Test
  void aJobOlderThanTheBoundLaunchesWithoutAskingThePolicy() {
    busyTask();
    busyTask();
    JobSubmitted message = submitted("p-1");
    f.clock.advance(DispatchJobs.WARM_TAKE_WITHIN);

    assertThat(dispatch.dispatch(message)).isEqualTo(Result.LAUNCHED);
    assertThat(asked).isEmpty();
  }

  @Test
  void withoutThePolicyBusyTasksGetNothingAndTheJobLaunchesAsBefore() {
    DispatchJobs withoutPolicy = dispatching(f.jobs, WarmTarget.NONE);
    busyTask();
    busyTask();

    assertThat(withoutPolicy.dispatch(submitted("p-1"))).isEqualTo(Result.LAUNCHED);
    assertThat(f.launcher.launched).containsExactly(List.of("p-1"));
  }

  @Test
  void aPolicyThatWantsNoTaskLeavesNothingToWarmTasks() {
    wanted = 0;
    busyTask();

    assertThat(dispatch.dispatch(submitted("p-1"))).isEqualTo(Result.LAUNCHED);
  }

  @Test
  void idleTasksStillTakeWhatTheyCanBeforeThePolicyIsAsked() {
    idleTask();
    busyTask();

    assertThat(dispatch.dispatch(submitted("p-1"))).isEqualTo(Result.LEFT_FOR_IDLE_TASK);
    assertThat(asked).isEmpty();
  }

  @Test
  void oneReadOfTheQueueServesTheIdleCheckAndTheWarmCheck() {
    List<String> reads = new CopyOnWriteArrayList<>();
    DispatchJobs counted = dispatching(counting(f.jobs, reads), policy);
    idleTask();
    busyTask();
    // Two queued jobs: more than the one idle task takes, no more than the two tasks up.
    JobSubmitted first = submitted("p-1");
    submitted("p-2");

    assertThat(counted.dispatch(first)).isEqualTo(Result.LEFT_FOR_WARM_TASKS);
    assertThat(reads).containsExactly("update", "queued");
  }

  @Test
  void aJobLeftToWarmTasksHasItsMessageDeliveredAgainAndLaunchesOnceOlderThanTheBound() {
    busyTask();
    busyTask();
    JobSubmitted message = submitted("p-1");
    var publishedAt = f.clock.instant();

    assertThatThrownBy(() -> dispatch.dispatch(message, publishedAt))
        .isInstanceOf(DispatchJobs.LeftForWarmTasksException.class)
        .hasMessageContaining("p-1");
    // Pub/Sub's backoff: 10 s, then 20 s. At 10 s the job is still young: left again.
    f.clock.advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> dispatch.dispatch(message, publishedAt))
        .isInstanceOf(DispatchJobs.LeftForWarmTasksException.class);
    f.clock.advance(Duration.ofSeconds(20));

    assertThat(dispatch.dispatch(message, publishedAt)).isEqualTo(Result.LAUNCHED);
    assertThat(f.launcher.launched).containsExactly(List.of("p-1"));
  }

  @Test
  void aJobAWarmTaskTookMeanwhileIsNotLaunchedOnTheRedelivery() {
    busyTask();
    busyTask();
    JobSubmitted message = submitted("p-1");
    assertThatThrownBy(() -> dispatch.dispatch(message, f.clock.instant()))
        .isInstanceOf(DispatchJobs.LeftForWarmTasksException.class);

    assertThat(f.claim.claim("p-1", "exec-warm")).isPresent();
    f.clock.advance(Duration.ofSeconds(10));

    assertThat(dispatch.dispatch(message, f.clock.instant())).isEqualTo(Result.NOT_QUEUED);
    assertThat(f.launcher.launched).isEmpty();
    assertThat(f.jobs.get("p-1").orElseThrow().executionName()).isEqualTo("exec-warm");
  }

  /** {@code jobs}, noting the name of each method called on it. */
  private static JobStore counting(JobStore jobs, List<String> reads) {
    return (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class},
        (proxy, method, args) -> {
          reads.add(method.getName());
          try {
            return method.invoke(jobs, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
