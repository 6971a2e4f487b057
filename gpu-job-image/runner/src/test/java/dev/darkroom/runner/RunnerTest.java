package dev.darkroom.runner;

import dev.darkroom.testing.InMemoryOutputStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.usecase.ClaimJob;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Runner} against fakes: what the job's owner would see (events, stored bytes, job state). */
class RunnerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXECUTION = "executions/gpu-job-abc12";

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobEventPublisher events = new RecordingJobEventPublisher();
  private final RecordingJobQueue queue = new RecordingJobQueue();
  private final InMemoryOutputStore outputs = new InMemoryOutputStore();
  private final FakeEngine engine = new FakeEngine();

  @Test
  void theJobIsStampedEndingBeforeItsEndIsPublishedSoABacklogDoesNotMakeItLost() {
    dispatched("job-1");
    engine.when("job-1", progress -> new PromptOutcome.Completed(List.of()));
    List<Instant> endingWhenPublished = new java.util.ArrayList<>();
    dev.darkroom.core.port.JobEventPublisher watching = event -> {
      if (event.targetStatus().isTerminal()) {
        endingWhenPublished.add(jobs.get("job-1").orElseThrow().endingAt());
      }
      events.publish(event);
    };

    new Runner(jobs, queue, engine, watching, outputs, clock, fastRetries(),
        new Runner.Settings(EXECUTION, TaskShare.whole(), Duration.ofSeconds(1))).run(List.of("job-1"));

    assertThat(endingWhenPublished).containsExactly(clock.instant());
    // job-events has not applied the end here: the job still reads running, with its end on the way.
    assertThat(jobs.get("job-1").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void aSucceedingJobReportsStartedEachOutputAndSucceededWithAllOutputs() {
    dispatched("job-1");
    OutputFile first = image("ComfyUI_00001_.png");
    OutputFile second = new OutputFile("9", "images", "ComfyUI_00002_.png", "portraits", "output");
    byte[] firstBytes = "first image".getBytes(StandardCharsets.UTF_8);
    byte[] secondBytes = "second, larger image".getBytes(StandardCharsets.UTF_8);
    engine.file(first, firstBytes).file(second, secondBytes)
        .when("job-1", progress -> {
          clock.advance(Duration.ofSeconds(7));
          return new PromptOutcome.Completed(List.of(first, second));
        });

    assertThat(runner(TaskShare.whole()).run(List.of("job-1"))).isEqualTo(Runner.EXIT_OK);

    assertThat(events.published).map(JobEvent::sequence).containsExactly(1L, 2L, 3L, 4L);
    assertThat(events.published).map(JobEvent::attempt).containsOnly(1);
    assertThat(events.published.get(0)).isInstanceOfSatisfying(JobEvent.Started.class,
        started -> assertThat(started.executionName()).isEqualTo(EXECUTION));
    JobOutput firstOutput = new JobOutput("9", "images", "ComfyUI_00001_.png", "", "output",
        "outputs/user-1/job-1/ComfyUI_00001_.png", "image/png", firstBytes.length,
        InMemoryOutputStore.sha256(firstBytes));
    JobOutput secondOutput = new JobOutput("9", "images", "ComfyUI_00002_.png", "portraits", "output",
        "outputs/user-1/job-1/portraits/ComfyUI_00002_.png", "image/png", secondBytes.length,
        InMemoryOutputStore.sha256(secondBytes));
    assertThat(events.published.get(1)).extracting(e -> ((JobEvent.OutputProduced) e).output()).isEqualTo(firstOutput);
    assertThat(events.published.get(2)).extracting(e -> ((JobEvent.OutputProduced) e).output()).isEqualTo(secondOutput);
    assertThat(events.published.get(3)).isInstanceOfSatisfying(JobEvent.Succeeded.class, succeeded -> {
      assertThat(succeeded.outputs()).containsExactly(firstOutput, secondOutput);
      assertThat(succeeded.gpuSeconds()).isEqualTo(7.0);
    });
    assertThat(outputs.objects.get("outputs/user-1/job-1/ComfyUI_00001_.png").content()).isEqualTo(firstBytes);
    assertThat(outputs.objects.get("outputs/user-1/job-1/portraits/ComfyUI_00002_.png").content()).isEqualTo(secondBytes);
    // The job document moves on when job-events applies the events; the claim made it ours.
    assertThat(jobs.get("job-1")).get().satisfies(job -> {
      assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
      assertThat(job.executionName()).isEqualTo(EXECUTION);
    });
  }

  @Test
  void aJobSomeoneElseClaimedIsNeitherRunNorReported() {
    dispatched("job-1");
    new ClaimJob(jobs, clock).claim("job-1", "executions/someone-else");

    assertThat(runner(TaskShare.whole()).run(List.of("job-1"))).isEqualTo(Runner.EXIT_OK);

    assertThat(engine.ran).isEmpty();
    assertThat(events.published).isEmpty();
    assertThat(jobs.get("job-1").orElseThrow().executionName()).isEqualTo("executions/someone-else");
  }

  @Test
  void aJobThatEndedIsNotRunAgain() {
    jobs.update("job-1", current -> JobChange.Outcome.write(
        queued("job-1").withStatus(JobStatus.SUCCEEDED, clock.instant()), null));

    runner(TaskShare.whole()).run(List.of("job-1"));

    assertThat(engine.ran).isEmpty();
    assertThat(events.published).isEmpty();
  }

  @Test
  void anEngineErrorIsReportedAsFailedWithTheEnginesError() {
    dispatched("job-1");
    JobError oom = new JobError("torch.OutOfMemoryError", "CUDA out of memory.", "3");
    engine.when("job-1", progress -> new PromptOutcome.Failed(oom));

    assertThat(runner(TaskShare.whole()).run(List.of("job-1"))).isEqualTo(Runner.EXIT_OK);

    assertThat(events.published).hasSize(2);
    assertThat(events.published.get(1)).isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
      assertThat(failed.error()).isEqualTo(oom);
      assertThat(failed.sequence()).isEqualTo(2);
    });
  }

  @Test
  void aWatchdogTimeoutIsReportedAsTimedOut() {
    dispatched("job-1");
    engine.when("job-1", progress -> new PromptOutcome.TimedOut(Duration.ofSeconds(300)));

    assertThat(runner(TaskShare.whole()).run(List.of("job-1"))).isEqualTo(Runner.EXIT_OK);

    assertThat(events.published.get(1)).isInstanceOfSatisfying(JobEvent.TimedOut.class, timedOut -> {
      assertThat(timedOut.error().type()).isEqualTo("timed_out");
      assertThat(timedOut.error().message()).contains("300 s");
    });
  }

  @Test
  void aPromptInterruptedByAnotherPartyIsReportedCancelled() {
    dispatched("job-1");
    engine.when("job-1", progress -> new PromptOutcome.Interrupted());

    runner(TaskShare.whole()).run(List.of("job-1"));

    assertThat(events.published).last().isInstanceOf(JobEvent.Cancelled.class);
  }

  @Test
  void anOutputStoreThatFailsTwiceIsRetriedAndTheJobStillSucceeds() {
    dispatched("job-1");
    OutputFile file = image("ComfyUI_00001_.png");
    byte[] bytes = {9, 8, 7};
    engine.file(file, bytes).when("job-1", progress -> new PromptOutcome.Completed(List.of(file)));
    outputs.failNextPuts(2);

    runner(TaskShare.whole()).run(List.of("job-1"));

    assertThat(outputs.puts).hasValue(3);
    assertThat(outputs.objects.get("outputs/user-1/job-1/ComfyUI_00001_.png").content()).isEqualTo(bytes);
    assertThat(events.published).map(JobEvent::sequence).containsExactly(1L, 2L, 3L);
    assertThat(events.published).last().isInstanceOf(JobEvent.Succeeded.class);
  }

  @Test
  void anOutputThatCannotBeStoredFailsTheJob() {
    dispatched("job-1");
    OutputFile file = image("ComfyUI_00001_.png");
    engine.file(file, new byte[] {1}).when("job-1", progress -> new PromptOutcome.Completed(List.of(file)));
    outputs.failNextPuts(100);

    assertThat(runner(TaskShare.whole()).run(List.of("job-1"))).isEqualTo(Runner.EXIT_OK);

    assertThat(events.published).last().isInstanceOfSatisfying(JobEvent.Failed.class,
        failed -> assertThat(failed.error().type()).isEqualTo("output_upload_failed"));
  }

  @Test
  void publishingRetriesTransientFailuresWithoutRenumbering() {
    dispatched("job-1");
    AtomicInteger failuresLeft = new AtomicInteger(2);
    JobEventPublisher flaky = event -> {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("publishing to job-events failed (injected)");
      }
      events.publish(event);
    };

    int exit = new Runner(jobs, queue, engine, flaky, outputs, clock, fastRetries(),
        new Runner.Settings(EXECUTION, TaskShare.whole(), Duration.ofSeconds(1))).run(List.of("job-1"));

    assertThat(exit).isEqualTo(Runner.EXIT_OK);
    assertThat(events.published).map(JobEvent::sequence).containsExactly(1L, 2L);
    assertThat(events.published).last().isInstanceOf(JobEvent.Succeeded.class);
  }

  @Test
  void aNodeStartingIsPublishedDespiteTheThrottleAndDoesNotHideTheFirstStep() {
    dispatched("job-1");
    engine.when("job-1", progress -> {
      progress.accept(new Progress("4", 0, 0)); // node 4 starts
      progress.accept(new Progress("3", 0, 0)); // node 3 starts, same instant: still published
      progress.accept(new Progress("3", 1, 20)); // its first step: published
      progress.accept(new Progress("3", 2, 20)); // same instant, same node: dropped
      progress.accept(new Progress("8", 0, 0)); // next node: published
      return new PromptOutcome.Completed(List.of());
    });

    runner(TaskShare.whole()).run(List.of("job-1"));

    assertThat(events.published).filteredOn(JobEvent.Progressed.class::isInstance)
        .map(e -> ((JobEvent.Progressed) e).progress())
        .containsExactly(new Progress("4", 0, 0), new Progress("3", 0, 0), new Progress("3", 1, 20),
            new Progress("8", 0, 0));
  }

  @Test
  void aSlowProgressPublishDoesNotHoldUpTheEnginesThreadAndTheEndStillFollowsIt() {
    dispatched("job-1");
    java.util.concurrent.CountDownLatch engineWentOn = new java.util.concurrent.CountDownLatch(1);
    List<Boolean> progressPublishedAfterTheEngineWentOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    JobEventPublisher slowForProgress = event -> {
      if (event instanceof JobEvent.Progressed) {
        try {
          // Pub/Sub taking its time: today's code held the engine's socket thread all along.
          progressPublishedAfterTheEngineWentOn.add(engineWentOn.await(10, java.util.concurrent.TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      events.publish(event);
    };
    engine.when("job-1", progress -> {
      progress.accept(new Progress("3", 1, 20));
      engineWentOn.countDown();
      return new PromptOutcome.Completed(List.of());
    });

    int exit = new Runner(jobs, queue, engine, slowForProgress, outputs, clock, fastRetries(),
        new Runner.Settings(EXECUTION, TaskShare.whole(), Duration.ofSeconds(1))).run(List.of("job-1"));

    assertThat(exit).isEqualTo(Runner.EXIT_OK);
    assertThat(progressPublishedAfterTheEngineWentOn).containsExactly(true);
    // The end is published (and confirmed) after the progress before it, and before the run returns.
    assertThat(events.published).map(e -> e.getClass().getSimpleName())
        .containsExactly("Started", "Progressed", "Succeeded");
    assertThat(events.published).map(JobEvent::sequence).containsExactly(1L, 2L, 3L);
  }

  @Test
  void progressIsThrottledToAboutOnePerSecondAndNumberedInOrder() {
    dispatched("job-1");
    engine.when("job-1", progress -> {
      progress.accept(new Progress("3", 1, 20));
      progress.accept(new Progress("3", 2, 20)); // same instant: dropped
      clock.advance(Duration.ofMillis(999));
      progress.accept(new Progress("3", 3, 20)); // still within the second: dropped
      clock.advance(Duration.ofMillis(1));
      progress.accept(new Progress("3", 4, 20));
      return new PromptOutcome.Completed(List.of());
    });

    runner(TaskShare.whole()).run(List.of("job-1"));

    assertThat(events.published).filteredOn(JobEvent.Progressed.class::isInstance)
        .map(e -> ((JobEvent.Progressed) e).progress().value()).containsExactly(1L, 4L);
    assertThat(events.published).map(JobEvent::sequence).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void eachTaskRunsItsShareOfTheIds() {
    List<String> ids = List.of("job-a", "job-b", "job-c", "job-d", "job-e");
    ids.forEach(this::dispatched);

    runner(new TaskShare(1, 2)).run(ids);

    assertThat(engine.ran).containsExactly("job-b", "job-d");
    assertThat(events.published).map(JobEvent::jobId).containsOnly("job-b", "job-d");
    assertThat(jobs.get("job-a").orElseThrow().status()).isEqualTo(JobStatus.DISPATCHED);
    assertThat(jobs.get("job-c").orElseThrow().status()).isEqualTo(JobStatus.DISPATCHED);
    assertThat(jobs.get("job-e").orElseThrow().status()).isEqualTo(JobStatus.DISPATCHED);
  }

  @Test
  void anUnreachableEngineClaimsNothingAndAsksForARetry() {
    dispatched("job-1");
    engine.unreachable();

    assertThat(runner(TaskShare.whole()).run(List.of("job-1"))).isEqualTo(Runner.EXIT_RETRY_MAY_HELP);

    assertThat(jobs.get("job-1").orElseThrow().status()).isEqualTo(JobStatus.DISPATCHED);
    assertThat(events.published).isEmpty();
  }

  @Test
  void anEngineLostMidJobStopsTheTaskWithoutInventingAnOutcome() {
    dispatched("job-1");
    dispatched("job-2");
    engine.when("job-1", progress -> {
      throw new EngineUnavailableException("ComfyUI stopped answering");
    });

    assertThat(runner(TaskShare.whole()).run(List.of("job-1", "job-2"))).isEqualTo(Runner.EXIT_RETRY_MAY_HELP);

    assertThat(events.published).singleElement().isInstanceOf(JobEvent.Started.class);
    assertThat(jobs.get("job-2").orElseThrow().status()).as("left for the retry").isEqualTo(JobStatus.DISPATCHED);
  }

  @Test
  void aJobAClientCancelsWhileItRunsIsInterruptedAndEndsCancelled() throws Exception {
    dispatched("job-1");
    engine.when("job-1", progress -> {
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.interrupted.contains("job-1"));
      return new PromptOutcome.Interrupted();
    });
    Runner runner = runner(TaskShare.whole());

    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> runner.run(List.of("job-1")));
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.ran.contains("job-1"));
    // What POST /interrupt does to the job document.
    jobs.update("job-1", current -> JobChange.Outcome.write(current.orElseThrow().withCancelRequested(clock.instant()), null));

    assertThat(exit.get()).isEqualTo(Runner.EXIT_OK);
    assertThat(engine.interrupted).containsExactly("job-1");
    assertThat(events.published).last().isInstanceOf(JobEvent.Cancelled.class);
    assertThat(queue.published).as("a cancelled job is not handed back").isEmpty();
  }

  @Test
  void pastTheClaimDeadlineTheRestIsHandedBackUnstarted() {
    dispatched("job-1");
    dispatched("job-2");
    Instant claimUntil = clock.instant().plusSeconds(60);
    engine.when("job-1", progress -> {
      clock.advance(Duration.ofSeconds(120)); // the first prompt runs past the deadline
      return new PromptOutcome.Completed(List.of());
    });
    Runner runner = new Runner(jobs, queue, engine, events, outputs, clock, fastRetries(),
        new Runner.Settings(EXECUTION, TaskShare.whole(), Duration.ofSeconds(1)).withClaimUntil(claimUntil));

    assertThat(runner.run(List.of("job-1", "job-2"))).isEqualTo(Runner.EXIT_OK);

    assertThat(engine.ran).containsExactly("job-1");
    assertThat(jobs.get("job-1").orElseThrow().status()).isEqualTo(JobStatus.RUNNING); // its success is an event away
    assertThat(jobs.get("job-2").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(queue.published).extracting(m -> m.jobId()).containsExactly("job-2");
  }

  @Test
  void stoppingInterruptsTheRunningPromptAndClaimsNothingMore() throws Exception {
    dispatched("job-1");
    dispatched("job-2");
    engine.when("job-1", progress -> {
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.interrupted.contains("job-1"));
      return new PromptOutcome.Interrupted();
    });
    Runner runner = runner(TaskShare.whole());

    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> runner.run(List.of("job-1", "job-2")));
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.ran.contains("job-1"));
    runner.stop();

    assertThat(exit.get()).isEqualTo(Runner.EXIT_OK);
    assertThat(engine.interrupted).isNotEmpty().containsOnly("job-1"); // a stop repeats its interrupt until the prompt ends
    assertThat(events.published).singleElement().isInstanceOf(JobEvent.Started.class);
    assertThat(engine.ran).containsExactly("job-1");
    // Both go back to the queue as new attempts: the interrupted one and the one never claimed.
    assertThat(jobs.get("job-1").orElseThrow()).satisfies(job -> {
      assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(job.attempt()).isEqualTo(2);
    });
    assertThat(jobs.get("job-2").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(queue.published).extracting(m -> m.jobId()).containsExactly("job-1", "job-2");
  }

  @Test
  void afterItsShareItDrainsTheQueueSameModelsFirstThenTheOldestOfAnyUntilIdle() {
    dispatched(job("job-1", "sd15.safetensors", 1));
    queued(job("job-3", "sd15.safetensors", 3));
    queued(job("job-2", "sd15.safetensors", 2));
    queued(job("job-other", "sdxl.safetensors", 0));
    List<Duration> slept = new java.util.ArrayList<>();
    Runner.Sleeper sleeper = duration -> {
      if (slept.isEmpty()) {
        // Submitted while the runner waits: still drained, and the idle clock starts again.
        queued(job("job-4", "sd15.safetensors", 4));
      }
      slept.add(duration);
      clock.advance(duration);
    };

    int exit = new Runner(jobs, queue, engine, events, outputs, clock, fastRetries(),
        new Runner.Settings(EXECUTION, TaskShare.whole(), Duration.ofSeconds(1)).withDrainIdle(Duration.ofSeconds(10)),
        sleeper).run(List.of("job-1"));

    assertThat(exit).isEqualTo(Runner.EXIT_OK);
    // job-other is the oldest, but needs other models: it waits until none needing these is left.
    assertThat(engine.ran).containsExactly("job-1", "job-2", "job-3", "job-other", "job-4");
    assertThat(events.published).filteredOn(e -> e.targetStatus() == JobStatus.SUCCEEDED).hasSize(5);
    assertThat(jobs.get("job-2").orElseThrow().executionName()).isEqualTo(EXECUTION);
    assertThat(jobs.get("job-other").orElseThrow().executionName()).isEqualTo(EXECUTION);
    // One 2 s look, then 10 s of looking every 2 s with nothing found.
    assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
        Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  @Test
  void itsGpuSlotCountsAsIdleOnlyWhileItWaitsAndIsGivenBackWhenItExits() {
    dispatched(job("job-1", "sd15.safetensors", 1));
    dev.darkroom.testing.InMemoryGpuPool pool = new dev.darkroom.testing.InMemoryGpuPool(2);
    dev.darkroom.core.port.GpuPool.Lease lease =
        pool.reserve(clock.instant(), clock.instant().plusSeconds(600)).orElseThrow();
    List<Integer> idleWhileSleeping = new java.util.ArrayList<>();
    List<Integer> idleWhileRunning = new java.util.ArrayList<>();
    engine.when("job-1", progress -> {
      idleWhileRunning.add(pool.usage(clock.instant()).idle());
      return new PromptOutcome.Completed(List.of());
    });
    engine.when("job-2", progress -> {
      idleWhileRunning.add(pool.usage(clock.instant()).idle());
      return new PromptOutcome.Completed(List.of());
    });
    Runner.Sleeper sleeper = duration -> {
      idleWhileSleeping.add(pool.usage(clock.instant()).idle());
      if (idleWhileSleeping.size() == 1) {
        queued(job("job-2", "sdxl.safetensors", 2));
      }
      clock.advance(duration);
    };

    new Runner(jobs, queue, engine, events, outputs, clock, fastRetries(),
        new Runner.Settings(EXECUTION, TaskShare.whole(), Duration.ofSeconds(1)).withDrainIdle(Duration.ofSeconds(4)),
        sleeper).holding(TaskSlot.hold(pool, lease, clock, Duration.ofSeconds(30))).run(List.of("job-1"));

    assertThat(engine.ran).containsExactly("job-1", "job-2");
    assertThat(idleWhileRunning).containsExactly(0, 0);
    assertThat(idleWhileSleeping).isNotEmpty().containsOnly(1);
    assertThat(pool.usage(clock.instant()).held()).as("given back on exit").isZero();
  }

  /**
   * Exiting for Cloud Run to retry the task (75), the task keeps its slot: the retried attempt has
   * the same lease in its environment and renews it. Given back, it would run uncounted, and
   * left, the reconciler would not count it again either.
   */
  @Test
  void aTaskExitingForARetryKeepsItsGpuSlotForTheRetriedAttempt() {
    dispatched("job-1");
    dev.darkroom.testing.InMemoryGpuPool pool = new dev.darkroom.testing.InMemoryGpuPool(2);
    dev.darkroom.core.port.GpuPool.Lease lease =
        pool.reserve(clock.instant(), clock.instant().plusSeconds(600)).orElseThrow();
    engine.when("job-1", progress -> {
      throw new EngineUnavailableException("ComfyUI stopped answering");
    });

    assertThat(runner(TaskShare.whole()).holding(TaskSlot.hold(pool, lease, clock, Duration.ofSeconds(30)))
        .run(List.of("job-1"))).isEqualTo(Runner.EXIT_RETRY_MAY_HELP);

    assertThat(pool.holds(lease, clock.instant())).as("the slot still this task's").isTrue();
    assertThat(pool.renew(lease, false, clock.instant().plusSeconds(90))).as("renewed by the retried attempt").isTrue();
  }

  @Test
  void drainingStopsAtTheClaimDeadlineAndWhenToldToStop() {
    dispatched(job("job-1", "sd15.safetensors", 1));
    queued(job("job-2", "sd15.safetensors", 2));
    engine.when("job-1", progress -> {
      clock.advance(Duration.ofSeconds(120));
      return new PromptOutcome.Completed(List.of());
    });

    new Runner(jobs, queue, engine, events, outputs, clock, fastRetries(),
        new Runner.Settings(EXECUTION, TaskShare.whole(), Duration.ofSeconds(1))
            .withClaimUntil(clock.instant().plusSeconds(60)).withDrainIdle(Duration.ofSeconds(600)),
        clock::advance).run(List.of("job-1"));

    assertThat(engine.ran).containsExactly("job-1");
    assertThat(jobs.get("job-2").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void aRunningJobHeartbeatsWhileItsPromptRuns() {
    dispatched("job-1");
    Instant claimedAt = clock.instant();
    engine.when("job-1", progress -> {
      clock.advance(Duration.ofSeconds(31));
      Instant due = clock.instant();
      await().atMost(Duration.ofSeconds(10)).until(() -> due.equals(jobs.get("job-1").orElseThrow().heartbeatAt()));
      return new PromptOutcome.Completed(List.of());
    });

    assertThat(runner(TaskShare.whole()).run(List.of("job-1"))).isEqualTo(Runner.EXIT_OK);
    assertThat(jobs.get("job-1").orElseThrow().heartbeatAt()).isAfter(claimedAt);
  }

  @Test
  void aJobTakenAwayWhileItRunsIsInterruptedAndNotReported() {
    dispatched("job-1");
    engine.when("job-1", progress -> {
      // The reconciler thought the task lost and put the job back in the queue.
      jobs.update("job-1", current -> JobChange.Outcome.write(current.orElseThrow().requeued(clock.instant()), null));
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.interrupted.contains("job-1"));
      return new PromptOutcome.Interrupted();
    });

    assertThat(runner(TaskShare.whole()).run(List.of("job-1"))).isEqualTo(Runner.EXIT_OK);

    assertThat(events.published).singleElement().isInstanceOf(JobEvent.Started.class);
    assertThat(jobs.get("job-1").orElseThrow()).satisfies(job -> {
      assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(job.attempt()).isEqualTo(2);
    });
    assertThat(queue.published).as("not handed back twice").isEmpty();
  }

  @Test
  void uploadedInputsAreStagedOnTheEngineUnderTheJobsOwnFolder() throws Exception {
    byte[] cat = "a cat, as PNG bytes".getBytes(StandardCharsets.UTF_8);
    outputs.put("inputs/user-1/photos/cat.png", "image/png", new java.io.ByteArrayInputStream(cat));
    com.fasterxml.jackson.databind.node.ObjectNode prompt = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
        "{\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"photos/cat.png [input]\"}},"
            + "\"2\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"photos/cat.png\"}},"
            + "\"3\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"example.png\"}},"
            + "\"4\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"photos/cat.png\"}}}");
    dispatched(Job.queued("job-1", "user-1", 1, prompt, JSON.createObjectNode(), null, clock.instant()));

    assertThat(runner(TaskShare.whole()).run(List.of("job-1"))).isEqualTo(Runner.EXIT_OK);

    assertThat(engine.inputs).containsOnlyKeys("darkroom/job-1/photos/cat.png");
    assertThat(engine.inputs.get("darkroom/job-1/photos/cat.png")).isEqualTo(cat);
    com.fasterxml.jackson.databind.node.ObjectNode ran = engine.prompts.get("job-1");
    assertThat(ran.at("/1/inputs/image").asText()).isEqualTo("darkroom/job-1/photos/cat.png");
    assertThat(ran.at("/2/inputs/image").asText()).isEqualTo("darkroom/job-1/photos/cat.png");
    assertThat(ran.at("/3/inputs/image").asText()).as("not an upload: the engine may ship it").isEqualTo("example.png");
    assertThat(ran.at("/4/inputs/filename_prefix").asText()).as("not a file input").isEqualTo("photos/cat.png");
    assertThat(jobs.get("job-1").orElseThrow().prompt()).as("the job keeps what the user sent").isEqualTo(prompt);
  }

  @Test
  void textOutputsAreStoredAndReportedInline() {
    dispatched("job-1");
    engine.when("job-1", progress -> new PromptOutcome.Completed(List.of(),
        List.of(new OutputText("7", "text", 0, "a red fox, oil on canvas"))));

    runner(TaskShare.whole()).run(List.of("job-1"));

    assertThat(events.published).last().isInstanceOfSatisfying(JobEvent.Succeeded.class, succeeded ->
        assertThat(succeeded.outputs()).singleElement().satisfies(output -> {
          assertThat(output.text()).isEqualTo("a red fox, oil on canvas");
          assertThat(output.objectName()).isEqualTo("outputs/user-1/job-1/7_text_0.txt");
          assertThat(output.contentType()).startsWith("text/plain");
        }));
    assertThat(new String(outputs.objects.get("outputs/user-1/job-1/7_text_0.txt").content(), StandardCharsets.UTF_8))
        .isEqualTo("a red fox, oil on canvas");
  }

  @Test
  void resumingAfterMaintenanceRestartsTheWatchdogAndHeartbeatsAtOnce() {
    dispatched("job-1");
    Runner runner = runner(TaskShare.whole());
    engine.when("job-1", progress -> {
      runner.maintenance(false);
      clock.advance(Duration.ofSeconds(5));
      Instant resumedAt = clock.instant();
      runner.maintenance(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> resumedAt.equals(jobs.get("job-1").orElseThrow().heartbeatAt()));
      return new PromptOutcome.Completed(List.of());
    });

    assertThat(runner.run(List.of("job-1"))).isEqualTo(Runner.EXIT_OK);
    assertThat(engine.resumed).hasValue(1);
  }

  private Job job(String id, String checkpoint, double number) {
    com.fasterxml.jackson.databind.node.ObjectNode prompt = JSON.createObjectNode();
    prompt.putObject("4").put("class_type", "CheckpointLoaderSimple").putObject("inputs").put("ckpt_name", checkpoint);
    return Job.queued(id, "user-1", number, prompt, JSON.createObjectNode(), null, clock.instant());
  }

  private void queued(Job job) {
    jobs.update(job.id(), current -> JobChange.Outcome.write(job, null));
  }

  private void dispatched(Job job) {
    Job dispatched = job.withStatus(JobStatus.DISPATCHED, clock.instant());
    jobs.update(job.id(), current -> JobChange.Outcome.write(dispatched, null));
  }

  /** Issue 19: a drained task runs several users' jobs on one engine; none may see another's files. */
  @Test
  void theEnginesFilesOfOneJobAreGoneBeforeTheNextJobRunsExceptThoseTheImageShips(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path home) throws Exception {
    java.nio.file.Files.createDirectories(home.resolve("input/3d"));
    java.nio.file.Files.writeString(home.resolve("input/example.png"), "shipped with the image");
    java.nio.file.Files.writeString(home.resolve("input/3d/shipped.obj"), "shipped too");
    java.nio.file.Files.createDirectories(home.resolve("output"));
    java.nio.file.Files.createDirectories(home.resolve("temp"));
    dispatched(Job.queued("job-a", "alice", 1, JSON.createObjectNode(), JSON.createObjectNode(), "tab", clock.instant()));
    dispatched(Job.queued("job-b", "bob", 2, JSON.createObjectNode(), JSON.createObjectNode(), "tab", clock.instant()));
    engine.when("job-a", progress -> {
      try {
        java.nio.file.Files.createDirectories(home.resolve("input/darkroom/job-a"));
        java.nio.file.Files.writeString(home.resolve("input/darkroom/job-a/alice-photo.png"), "alice's upload");
        java.nio.file.Files.createDirectories(home.resolve("output/portraits"));
        java.nio.file.Files.writeString(home.resolve("output/portraits/ComfyUI_00001_.png"), "alice's output");
        java.nio.file.Files.writeString(home.resolve("temp/ComfyUI_temp_00001_.png"), "alice's preview");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return new PromptOutcome.Completed(List.of());
    });
    List<String> seenByBob = new java.util.ArrayList<>();
    engine.when("job-b", progress -> {
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(home)) {
        files.filter(java.nio.file.Files::isRegularFile).map(f -> home.relativize(f).toString().replace('\\', '/'))
            .sorted().forEach(seenByBob::add);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return new PromptOutcome.Completed(List.of());
    });

    runner(TaskShare.whole()).clearing(EngineFolders.of(home)).run(List.of("job-a", "job-b"));

    assertThat(engine.ran).containsExactly("job-a", "job-b");
    assertThat(seenByBob).as("the engine's files while bob's job runs").containsExactly("input/3d/shipped.obj", "input/example.png");
  }

  private Runner runner(TaskShare share) {
    return new Runner(jobs, queue, engine, events, outputs, clock, fastRetries(),
        new Runner.Settings(EXECUTION, share, Duration.ofSeconds(1)));
  }

  static Retries fastRetries() {
    return new Retries(3, Duration.ofMillis(1), Duration.ofMillis(5));
  }

  private static OutputFile image(String filename) {
    return new OutputFile("9", "images", filename, "", "output");
  }

  private Job queued(String id) {
    return Job.queued(id, "user-1", 1, JSON.createObjectNode(), JSON.createObjectNode(), "browser-tab", clock.instant());
  }

  private void dispatched(String id) {
    dispatched(queued(id));
  }
}
