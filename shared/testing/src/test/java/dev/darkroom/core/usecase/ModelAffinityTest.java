package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.ModelFingerprint;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.testing.InMemoryGpuPool;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.ManualClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Warm tasks waiting for work: a job is left to the idle task that has its models loaded, for a
 * few seconds, and taken by anyone after that; jobs of a task's own models are taken as before.
 */
class ModelAffinityTest {
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  private static final String SD15 = "fp-sd15";
  private static final String SDXL = "fp-sdxl";
  private static final String FLUX = "fp-flux";

  private final ManualClock clock = new ManualClock(T0);
  private final InMemoryGpuPool slots = new InMemoryGpuPool(4);
  private int poolReads;
  private final GpuPool pool = countingReads(slots);
  private final ModelAffinity affinity = new ModelAffinity(pool, clock);
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final DrainOrder drainOrder = DrainOrder.takingDispatched(jobs, new FairShare(jobs, FairShare.Limits.none()),
      clock);

  @Test
  void aJobIsLeftToTheIdleTaskThatHasItsModelsAndThatTaskTakesIt() {
    GpuPool.Lease sd15Task = idleTask(SD15);
    GpuPool.Lease sdxlTask = idleTask(SDXL);
    queued("job-sdxl", 1, SDXL);

    assertThat(affinity.toTry(SD15, sd15Task, drainOrder.next(SD15, 5))).isEmpty();
    assertThat(affinity.toTry(SDXL, sdxlTask, drainOrder.next(SDXL, 5))).extracting(Job::id).containsExactly("job-sdxl");
  }

  @Test
  void pastTheBoundAnyTaskTakesIt() {
    GpuPool.Lease sd15Task = idleTask(SD15);
    idleTask(SDXL);
    queued("job-sdxl", 1, SDXL);

    clock.advance(ModelAffinity.LEAVE_FOR.minusMillis(1));
    assertThat(affinity.toTry(SD15, sd15Task, drainOrder.next(SD15, 5))).as("still young").isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(affinity.toTry(SD15, sd15Task, drainOrder.next(SD15, 5))).extracting(Job::id)
        .containsExactly("job-sdxl");
  }

  @Test
  void onlyTheJobsAnotherIdleTaskHasTheModelsOfAreLeftTheRestKeepTheirOrder() {
    GpuPool.Lease sd15Task = idleTask(SD15);
    idleTask(SDXL);
    busyTask(FLUX);
    queued("job-sdxl", 1, SDXL);
    queued("job-flux", 2, FLUX);
    queued("job-sd15", 3, SD15);
    queued("job-sdxl-2", 4, SDXL);

    List<Job> candidates = List.of(job("job-sdxl", 1, SDXL), job("job-flux", 2, FLUX), job("job-sd15", 3, SD15),
        job("job-sdxl-2", 4, SDXL));
    assertThat(affinity.toTry(SD15, sd15Task, candidates)).as("a busy task's models do not count")
        .extracting(Job::id).containsExactly("job-flux", "job-sd15");
    assertThat(poolReads).as("one read for the look").isEqualTo(1);
  }

  @Test
  void aTaskWhoseFirstCandidateNeedsItsOwnModelsReadsNothingMoreAndTakesThemAll() {
    GpuPool.Lease sd15Task = idleTask(SD15);
    idleTask(SDXL);
    queued("job-sd15", 1, SD15);
    queued("job-sdxl", 2, SDXL);

    assertThat(affinity.toTry(SD15, sd15Task, drainOrder.next(SD15, 5))).extracting(Job::id)
        .containsExactly("job-sd15", "job-sdxl");
    assertThat(affinity.toTry(SD15, sd15Task, List.of())).isEmpty();
    assertThat(poolReads).isZero();
  }

  @Test
  void jobsNoOtherIdleTaskHasTheModelsOfAreTakenAsBefore() {
    GpuPool.Lease sd15Task = idleTask(SD15);
    GpuPool.Lease sdxlTask = idleTask(SDXL);
    queued("job-flux", 1, FLUX);
    queued("job-sdxl", 2, SDXL);

    assertThat(affinity.toTry(SDXL, sdxlTask, drainOrder.next(SDXL, 5))).as("its own models, and flux")
        .extracting(Job::id).containsExactly("job-sdxl", "job-flux");
    slots.renew(sdxlTask, false, SDXL, T0.plusSeconds(90));
    assertThat(affinity.toTry(SD15, sd15Task, drainOrder.next(SD15, 5))).as("the sdxl task is busy now")
        .extracting(Job::id).containsExactly("job-flux", "job-sdxl");
  }

  @Test
  void aJobThatLoadsNoModelOrWhoseModelsAreUnknownIsNeverLeft() {
    GpuPool.Lease sd15Task = idleTask(SD15);
    idleTask(ModelFingerprint.NO_MODELS);
    queued("job-no-models", 1, ModelFingerprint.NO_MODELS);
    queued("job-unknown-models", 2, null);

    assertThat(affinity.toTry(SD15, sd15Task, drainOrder.next(SD15, 5))).extracting(Job::id)
        .containsExactly("job-no-models", "job-unknown-models");
    assertThat(poolReads).as("the first needs no load here").isZero();
  }

  @Test
  void aTaskWithNothingLoadedLeavesJobsToTheTasksThatHaveTheirModels() {
    GpuPool.Lease startedWarm = idleTask(null);
    idleTask(SDXL);
    queued("job-sdxl", 1, SDXL);
    queued("job-flux", 2, FLUX);

    assertThat(affinity.toTry(null, startedWarm, drainOrder.next(null, 5))).extracting(Job::id)
        .containsExactly("job-flux");
    assertThat(affinity.toTry(null, null, drainOrder.next(null, 5))).as("a task holding no slot")
        .extracting(Job::id).containsExactly("job-flux");
  }

  @Test
  void aJobDispatchedToATaskStillStartingIsLeftToo() {
    GpuPool.Lease sd15Task = idleTask(SD15);
    idleTask(SDXL);
    Job dispatched = job("job-for-a-cold-task", 1, SDXL).withStatus(JobStatus.DISPATCHED, T0);
    jobs.update(dispatched.id(), current -> JobChange.Outcome.write(dispatched, null));
    clock.advance(Duration.ofSeconds(1));

    assertThat(drainOrder.next(SD15, 5)).extracting(Job::id).containsExactly("job-for-a-cold-task");
    assertThat(affinity.toTry(SD15, sd15Task, drainOrder.next(SD15, 5))).isEmpty();
  }

  private GpuPool.Lease idleTask(String loaded) {
    GpuPool.Lease lease = slots.reserve(T0, T0.plusSeconds(90)).orElseThrow();
    slots.renew(lease, true, loaded, T0.plusSeconds(90));
    return lease;
  }

  private void busyTask(String loaded) {
    GpuPool.Lease lease = slots.reserve(T0, T0.plusSeconds(90)).orElseThrow();
    slots.renew(lease, false, loaded, T0.plusSeconds(90));
  }

  private static Job job(String id, double number, String fingerprint) {
    return Job.builder(id, "user-" + id, JobStatus.QUEUED).number(number).attempt(1).createdAt(T0).updatedAt(T0)
        .fingerprint(fingerprint).build();
  }

  private void queued(String id, double number, String fingerprint) {
    Job job = job(id, number, fingerprint);
    jobs.update(id, current -> JobChange.Outcome.write(job, null));
  }

  /** The pool, counting the reads of the other tasks' models. */
  private GpuPool countingReads(GpuPool delegate) {
    return (GpuPool) Proxy.newProxyInstance(GpuPool.class.getClassLoader(), new Class<?>[] {GpuPool.class},
        (proxy, method, args) -> {
          if (method.getName().equals("loadedOnOtherIdleTasks")) {
            poolReads++;
          }
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
