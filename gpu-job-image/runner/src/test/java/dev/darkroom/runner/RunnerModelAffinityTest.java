package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.usecase.ModelAffinity;
import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.core.warm.WarmSchedule;
import dev.darkroom.testing.InMemoryGpuPool;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryWarmSignals;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Warm tasks on one GPU pool, against fakes: a job is left to the idle task that has its models
 * loaded, which takes it; past {@link ModelAffinity#LEAVE_FOR} any task takes it; without the
 * keep-warm policy a task takes it as before, saying nothing of its models.
 */
class RunnerModelAffinityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A Thursday, midnight UTC: inside the pinned window below. */
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final String BOTH_WARM = "2 warm 00:00-01:00 daily";

  private final ManualClock clock = new ManualClock(START);
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryWarmSignals signals = new InMemoryWarmSignals();
  private final InMemoryGpuPool pool = new InMemoryGpuPool(4);

  @Test
  void aJobGoesToTheIdleTaskThatHasItsModelsNotToTheOneThatSawItFirst() throws Exception {
    dispatched(job("job-sdxl-1", 1, "sdxl.safetensors"));
    dispatched(job("job-sd15-1", 2, "sd15.safetensors"));
    FakeEngine sdxlEngine = new FakeEngine();
    FakeEngine sd15Engine = new FakeEngine();
    // The tasks take turns, each look running while the other waits in its sleep; the clock stands
    // still, so no job is too old to be left.
    Semaphore sdxlTurn = new Semaphore(0);
    Semaphore sd15Turn = new Semaphore(0);
    CountDownLatch sdxlWaiting = new CountDownLatch(1);
    AtomicReference<Runner> sdxlRunner = new AtomicReference<>();
    AtomicReference<Runner> sd15Runner = new AtomicReference<>();
    AtomicReference<Map<GpuPool.Lease, String>> seenBySd15 = new AtomicReference<>();
    int[] sd15Looks = {0};
    Runner.Sleeper sdxlSleeps = duration -> {
      sdxlWaiting.countDown();
      if (sdxlEngine.ran.contains("job-sdxl-2")) {
        sdxlRunner.get().stop();
        sd15Runner.get().stop();
        sd15Turn.release();
        return;
      }
      awaitTurn(sdxlTurn);
    };
    Runner.Sleeper sd15Sleeps = duration -> {
      if (++sd15Looks[0] == 1) {
        seenBySd15.set(pool.loadedOnOtherIdleTasks(null, clock.instant()));
        queued(job("job-sdxl-2", 3, "sdxl.safetensors")); // seen first by this task, at its next look
        return;
      }
      sdxlTurn.release();
      awaitTurn(sd15Turn);
    };
    sdxlRunner.set(warmRunner("executions/gpu-sdxl", sdxlEngine, sdxlSleeps));
    sd15Runner.set(warmRunner("executions/gpu-sd15", sd15Engine, sd15Sleeps));

    CompletableFuture<Integer> sdxlTask = CompletableFuture.supplyAsync(() -> sdxlRunner.get().run(List.of("job-sdxl-1")));
    assertThat(sdxlWaiting.await(30, TimeUnit.SECONDS)).as("the sdxl task waits for work").isTrue();
    CompletableFuture<Integer> sd15Task = CompletableFuture.supplyAsync(() -> sd15Runner.get().run(List.of("job-sd15-1")));

    assertThat(sd15Task.get(30, TimeUnit.SECONDS)).isEqualTo(Runner.EXIT_OK);
    assertThat(sdxlTask.get(30, TimeUnit.SECONDS)).isEqualTo(Runner.EXIT_OK);
    assertThat(seenBySd15.get()).as("each idle task's slot says which models it has loaded").hasSize(2)
        .containsValues(fingerprint("job-sdxl-1"), fingerprint("job-sd15-1"));
    assertThat(sd15Engine.ran).containsExactly("job-sd15-1");
    assertThat(sdxlEngine.ran).containsExactly("job-sdxl-1", "job-sdxl-2");
    assertThat(jobs.get("job-sdxl-2").orElseThrow().executionName()).isEqualTo("executions/gpu-sdxl");
  }

  @Test
  void pastTheBoundAJobTheTaskWithItsModelsDidNotTakeIsTaken() {
    GpuPool.Lease notLooking = pool.reserve(START, START.plusSeconds(3600)).orElseThrow();
    pool.renew(notLooking, true, fingerprintOf("sdxl.safetensors"), START.plusSeconds(3600));
    dispatched(job("job-sd15-1", 1, "sd15.safetensors"));
    FakeEngine engine = new FakeEngine();
    AtomicReference<Instant> queuedAt = new AtomicReference<>();
    AtomicReference<Instant> ranAt = new AtomicReference<>();
    engine.when("job-sdxl", progress -> {
      ranAt.set(clock.instant());
      return new PromptOutcome.Completed(List.of());
    });
    AtomicReference<Runner> runner = new AtomicReference<>();
    runner.set(warmRunner("executions/gpu-sd15", engine, duration -> {
      if (queuedAt.get() == null) {
        queuedAt.set(clock.instant());
        queued(job("job-sdxl", 2, "sdxl.safetensors"));
      } else if (ranAt.get() != null) {
        runner.get().stop();
      }
      clock.advance(duration);
    }));

    assertThat(runner.get().run(List.of("job-sd15-1"))).isEqualTo(Runner.EXIT_OK);

    assertThat(engine.ran).containsExactly("job-sd15-1", "job-sdxl");
    assertThat(Duration.between(queuedAt.get(), ranAt.get())).as("left for the bound, taken at the next look")
        .isBetween(ModelAffinity.LEAVE_FOR, ModelAffinity.LEAVE_FOR.plus(KeepWarm.WARM_POLL));
  }

  @Test
  void withoutThePolicyATaskTakesTheJobAtOnceAndItsSlotSaysNothingOfItsModels() {
    GpuPool.Lease other = pool.reserve(START, START.plusSeconds(3600)).orElseThrow();
    pool.renew(other, true, fingerprintOf("sdxl.safetensors"), START.plusSeconds(3600));
    dispatched(job("job-sd15-1", 1, "sd15.safetensors"));
    FakeEngine engine = new FakeEngine();
    AtomicReference<Instant> ranAt = new AtomicReference<>();
    engine.when("job-sdxl", progress -> {
      ranAt.set(clock.instant());
      return new PromptOutcome.Completed(List.of());
    });
    AtomicReference<Map<GpuPool.Lease, String>> seenByOther = new AtomicReference<>();
    GpuPool.Lease lease = pool.reserve(START, START.plusSeconds(600)).orElseThrow();
    Runner runner = new Runner(jobs, new RecordingJobQueue(), engine, new RecordingJobEventPublisher(),
        new InMemoryOutputStore(), clock, RunnerTest.fastRetries(),
        new Runner.Settings("executions/gpu-sd15", TaskShare.whole(), Duration.ofSeconds(1))
            .withDrainIdle(Duration.ofSeconds(10)),
        duration -> {
          if (seenByOther.get() == null) {
            seenByOther.set(pool.loadedOnOtherIdleTasks(other, clock.instant()));
            queued(job("job-sdxl", 2, "sdxl.safetensors"));
          }
          clock.advance(duration);
        }).holding(TaskSlot.hold(pool, lease, clock, Duration.ofSeconds(30)));

    assertThat(runner.run(List.of("job-sd15-1"))).isEqualTo(Runner.EXIT_OK);

    assertThat(seenByOther.get()).as("idle, saying no models").isEmpty();
    assertThat(pool.usage(clock.instant()).held()).as("its slot was idle, then given back").isEqualTo(1);
    assertThat(engine.ran).containsExactly("job-sd15-1", "job-sdxl");
    assertThat(ranAt.get()).as("taken at the first look after it came").isEqualTo(START.plus(Runner.DRAIN_POLL));
  }

  private Runner warmRunner(String execution, FakeEngine engine, Runner.Sleeper sleeper) {
    GpuPool.Lease lease = pool.reserve(clock.instant(), clock.instant().plusSeconds(600)).orElseThrow();
    KeepWarm policy = new KeepWarm(KeepWarm.Settings.of(0, WarmSchedule.parse(BOTH_WARM), Duration.ofSeconds(10)),
        signals);
    return new Runner(jobs, new RecordingJobQueue(), engine, new RecordingJobEventPublisher(),
        new InMemoryOutputStore(), clock, RunnerTest.fastRetries(),
        new Runner.Settings(execution, TaskShare.whole(), Duration.ofSeconds(1)).withDrainIdle(Duration.ofSeconds(10)),
        sleeper)
        .holding(TaskSlot.hold(pool, lease, clock, Duration.ofSeconds(30)))
        .keepingWarm(new WarmWait(policy, pool, jobs, clock));
  }

  private static void awaitTurn(Semaphore turn) throws InterruptedException {
    if (!turn.tryAcquire(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the other task never handed over its turn");
    }
  }

  private Job job(String id, double number, String checkpoint) {
    return Job.queued(id, "user-" + id, number, prompt(checkpoint), JSON.createObjectNode(), null, clock.instant());
  }

  private static ObjectNode prompt(String checkpoint) {
    ObjectNode prompt = JSON.createObjectNode();
    prompt.putObject("4").put("class_type", "CheckpointLoaderSimple").putObject("inputs").put("ckpt_name", checkpoint);
    return prompt;
  }

  private static String fingerprintOf(String checkpoint) {
    return dev.darkroom.core.job.ModelFingerprint.of(prompt(checkpoint));
  }

  private String fingerprint(String jobId) {
    return jobs.get(jobId).orElseThrow().fingerprint();
  }

  private void queued(Job job) {
    jobs.update(job.id(), current -> JobChange.Outcome.write(job, null));
  }

  private void dispatched(Job job) {
    Job dispatched = job.withStatus(JobStatus.DISPATCHED, clock.instant());
    jobs.update(job.id(), current -> JobChange.Outcome.write(dispatched, null));
  }
}
