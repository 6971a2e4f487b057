package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobChange;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runner's wait for more work under the keep-warm policy, against fakes and the simulated
 * engine's stand-in ({@link FakeEngine}): a pinned window keeps a task up through it, a spent
 * budget sends it away, and a warm task takes a job dispatched to a task still starting.
 */
class RunnerKeepWarmTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXECUTION = "executions/gpu-job-warm1";
  /** A Thursday, midnight UTC. */
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final ManualClock clock = new ManualClock(START);
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobEventPublisher events = new RecordingJobEventPublisher();
  private final FakeEngine engine = new FakeEngine();
  private final InMemoryWarmSignals signals = new InMemoryWarmSignals();
  private final InMemoryGpuPool pool = new InMemoryGpuPool(4);
  private final List<Duration> slept = new ArrayList<>();

  @Test
  void aPinnedWindowKeepsTheTaskUpThroughItThenItLeavesWithNoBudget() {
    dispatched(job("job-1", 1));
    Instant lateArrival = START.plus(Duration.ofMinutes(30));
    Runner.Sleeper sleeper = duration -> {
      if (clock.instant().isBefore(lateArrival) && !clock.instant().plus(duration).isBefore(lateArrival)) {
        queued(job("job-late", 2));
      }
      slept.add(duration);
      clock.advance(duration);
    };

    runner(0, "1 warm 00:00-01:00 daily", sleeper).run(List.of("job-1"));

    assertThat(engine.ran).containsExactly("job-1", "job-late");
    assertThat(slept).containsOnly(KeepWarm.WARM_POLL);
    // Up until the window's end, and out within one decision of it.
    assertThat(clock.instant()).isAfterOrEqualTo(START.plus(Duration.ofHours(1)))
        .isBefore(START.plus(Duration.ofHours(1)).plus(KeepWarm.DECIDE_EVERY).plusSeconds(1));
    assertThat(signals.idleSecondsOn(LocalDate.of(2026, 1, 1))).isGreaterThan(3500);
    assertThat(pool.usage(clock.instant()).held()).as("slot given back").isZero();
  }

  @Test
  void withNoBudgetATaskLeavesAsSoonAsItHasNothingToRun() {
    dispatched(job("job-1", 1));

    runner(0, "", this::advance).run(List.of("job-1"));

    assertThat(engine.ran).containsExactly("job-1");
    assertThat(slept).isEmpty();
  }

  @Test
  void aQuietSpellKeepsOneTaskUntilTheBudgetSaysSo() {
    dispatched(job("job-1", 1));
    signals.arrived(START);

    runner(60, "", this::advance).run(List.of("job-1"));

    double idle = signals.idleSecondsOn(LocalDate.of(2026, 1, 1));
    assertThat(idle).isBetween(50.0, 60.0);
    assertThat(Duration.between(START, clock.instant()).toSeconds()).isBetween(50L, 60L);
  }

  @Test
  void aWarmTaskTakesAJobDispatchedToATaskStillStarting() {
    dispatched(job("job-1", 1));
    signals.arrived(START);
    Runner.Sleeper sleeper = duration -> {
      if (slept.isEmpty()) {
        dispatched(job("job-for-a-cold-task", 2));
      }
      advance(duration);
    };

    runner(60, "", sleeper).run(List.of("job-1"));

    assertThat(engine.ran).containsExactly("job-1", "job-for-a-cold-task");
    assertThat(jobs.get("job-for-a-cold-task").orElseThrow().executionName()).isEqualTo(EXECUTION);
  }

  @Test
  void aTaskLaunchedWithNoJobStartsWarmAndTakesQueuedAndDispatchedJobsUnderThePolicy() {
    Instant firstPrompt = START.plus(Duration.ofMinutes(10));
    Instant secondPrompt = START.plus(Duration.ofMinutes(20));
    Runner.Sleeper sleeper = duration -> {
      Instant next = clock.instant().plus(duration);
      if (clock.instant().isBefore(firstPrompt) && !next.isBefore(firstPrompt)) {
        queued(job("job-queued", 1));
      }
      if (clock.instant().isBefore(secondPrompt) && !next.isBefore(secondPrompt)) {
        dispatched(job("job-for-a-cold-task", 2));
      }
      advance(duration);
    };

    int exit = runner(0, "1 warm 00:00-00:30 daily", sleeper).run(List.of());

    assertThat(exit).isEqualTo(Runner.EXIT_OK);
    assertThat(engine.ran).containsExactly("job-queued", "job-for-a-cold-task");
    assertThat(jobs.get("job-queued").orElseThrow().executionName()).isEqualTo(EXECUTION);
    // Up through the pinned window, out within one decision of its end.
    assertThat(clock.instant()).isAfterOrEqualTo(START.plus(Duration.ofMinutes(30)))
        .isBefore(START.plus(Duration.ofMinutes(30)).plus(KeepWarm.DECIDE_EVERY).plusSeconds(1));
    assertThat(pool.usage(clock.instant()).held()).as("slot given back").isZero();
  }

  @Test
  void aTaskLaunchedWithNoJobWaitsNoLongerThanThePolicySays() {
    runner(0, "", this::advance).run(List.of());

    assertThat(engine.ran).isEmpty();
    assertThat(slept).isEmpty();
    assertThat(pool.usage(clock.instant()).held()).as("slot given back").isZero();
  }

  @Test
  void withoutThePolicyATaskLaunchedWithNoJobExitsAtOnceWithoutWaitingForTheEngine() {
    queued(job("job-queued", 1));
    GpuPool.Lease lease = pool.reserve(clock.instant(), clock.instant().plusSeconds(600)).orElseThrow();
    Runner runner = new Runner(jobs, new RecordingJobQueue(), engine.unreachable(), events, new InMemoryOutputStore(),
        clock, RunnerTest.fastRetries(),
        new Runner.Settings(EXECUTION, TaskShare.whole(), Duration.ofSeconds(1)).withDrainIdle(Duration.ofSeconds(10)),
        this::advance)
        .holding(TaskSlot.hold(pool, lease, clock, Duration.ofSeconds(30)));

    assertThat(runner.run(List.of())).isEqualTo(Runner.EXIT_OK);

    assertThat(engine.ran).isEmpty();
    assertThat(slept).isEmpty();
    assertThat(jobs.get("job-queued").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(pool.usage(clock.instant()).held()).as("slot given back").isZero();
  }

  private void advance(Duration duration) {
    slept.add(duration);
    clock.advance(duration);
  }

  private Runner runner(double budget, String schedule, Runner.Sleeper sleeper) {
    GpuPool.Lease lease = pool.reserve(clock.instant(), clock.instant().plusSeconds(600)).orElseThrow();
    KeepWarm policy = new KeepWarm(KeepWarm.Settings.of(budget, WarmSchedule.parse(schedule), Duration.ofSeconds(10)),
        signals);
    return new Runner(jobs, new RecordingJobQueue(), engine, events, new InMemoryOutputStore(), clock,
        RunnerTest.fastRetries(),
        new Runner.Settings(EXECUTION, TaskShare.whole(), Duration.ofSeconds(1)).withDrainIdle(Duration.ofSeconds(10)),
        sleeper)
        .holding(TaskSlot.hold(pool, lease, clock, Duration.ofSeconds(30)))
        .keepingWarm(new WarmWait(policy, pool, jobs, clock));
  }

  private Job job(String id, double number) {
    com.fasterxml.jackson.databind.node.ObjectNode prompt = JSON.createObjectNode();
    prompt.putObject("4").put("class_type", "CheckpointLoaderSimple").putObject("inputs")
        .put("ckpt_name", "sd15.safetensors");
    return Job.queued(id, "user-1", number, prompt, JSON.createObjectNode(), null, clock.instant());
  }

  private void queued(Job job) {
    jobs.update(job.id(), current -> JobChange.Outcome.write(job, null));
  }

  private void dispatched(Job job) {
    Job dispatched = job.withStatus(JobStatus.DISPATCHED, clock.instant());
    jobs.update(job.id(), current -> JobChange.Outcome.write(dispatched, null));
  }
}
