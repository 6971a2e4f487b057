package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.comfyui.sim.SimulatedComfyUI;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.usecase.ClaimJob;
import dev.darkroom.runner.comfy.ComfyClient;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobQueue;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production runner and ComfyUI client against the simulated engine with injected faults:
 * each ends in the right state, with nothing lost and nothing run twice.
 */
class RunnerFaultsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};
  private static final AtomicLong SEEDS = new AtomicLong(1000);
  private static final String EXECUTION = "exec-faults";

  @TempDir static Path dataDir;
  private static SimulatedComfyUI engine;
  private static ObjectNode workflow;

  private final Clock clock = Clock.systemUTC();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobEventPublisher events = new RecordingJobEventPublisher();
  private final RecordingJobQueue queue = new RecordingJobQueue();
  private final InMemoryOutputStore outputs = new InMemoryOutputStore();

  @BeforeAll
  static void startEngine() throws Exception {
    // Slow enough steps that a prompt is still running when a fault is injected.
    engine = SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(dataDir.resolve("engine")).withStepTime(Duration.ofMillis(30)));
    try (InputStream in = RunnerFaultsIT.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = (ObjectNode) JSON.readTree(in);
    }
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @AfterEach
  void clearFaults() {
    engine.clearFaults();
  }

  private Runner runner(SimulatedComfyUI target, Duration idleTimeout) {
    ComfyClient client = new ComfyClient(new ComfyClient.Settings(URI.create(target.baseUrl()), idleTimeout,
        Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(10)), JSON);
    return new Runner(jobs, queue, client, events, outputs, clock, new Retries(4, Duration.ofMillis(5), Duration.ofMillis(20)),
        new Runner.Settings(EXECUTION, TaskShare.whole(), Duration.ofSeconds(10)));
  }

  /** A dispatched job with a seed of its own (the engine caches unchanged nodes). */
  private String dispatchedJob() {
    ObjectNode prompt = workflow.deepCopy();
    ((ObjectNode) prompt.path("3").path("inputs")).put("seed", SEEDS.incrementAndGet());
    String id = UUID.randomUUID().toString();
    Job job = Job.queued(id, "alice", 1, prompt, JSON.createObjectNode(), null, Instant.now())
        .withStatus(JobStatus.DISPATCHED, Instant.now());
    jobs.update(id, current -> JobChange.Outcome.write(job, null));
    return id;
  }

  private JobEvent last() {
    return events.published.get(events.published.size() - 1);
  }

  private CompletableFuture<Integer> runAsync(Runner runner, String id) {
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> runner.run(List.of(id)));
    await().atMost(Duration.ofSeconds(20)).until(() -> events.published.stream().anyMatch(JobEvent.Progressed.class::isInstance));
    return exit;
  }

  /** Runs the job in the background and returns once it is running and has reported so. */
  private CompletableFuture<Integer> startedAndRunning(Runner runner, String id) {
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> runner.run(List.of(id)));
    await().atMost(Duration.ofSeconds(20)).until(() -> jobs.get(id).orElseThrow().status() == JobStatus.RUNNING
        && !events.published.isEmpty());
    return exit;
  }

  @Test
  void aPromptSucceedsWithItsImageStored() {
    String id = dispatchedJob();
    assertThat(runner(engine, Duration.ofMinutes(1)).run(List.of(id))).isEqualTo(Runner.EXIT_OK);
    assertThat(last()).isInstanceOfSatisfying(JobEvent.Succeeded.class, s -> {
      assertThat(s.outputs()).hasSize(1);
      assertThat(outputs.objects.get(s.outputs().get(0).objectName()).content()).startsWith(PNG);
    });
  }

  @Test
  void aSocketDroppedMidPromptStillEndsInSuccess() throws Exception {
    String id = dispatchedJob();
    CompletableFuture<Integer> exit = runAsync(runner(engine, Duration.ofMinutes(1)), id);
    engine.dropWebSockets();
    assertThat(exit.get()).isEqualTo(Runner.EXIT_OK);
    assertThat(last()).isInstanceOf(JobEvent.Succeeded.class);
  }

  @Test
  void anExecutionErrorFailsTheJobWithComfyUisError() {
    engine.failNode("KSampler", "torch.OutOfMemoryError", "CUDA out of memory.");
    String id = dispatchedJob();
    assertThat(runner(engine, Duration.ofMinutes(1)).run(List.of(id))).isEqualTo(Runner.EXIT_OK);
    assertThat(last()).isInstanceOfSatisfying(JobEvent.Failed.class, f -> {
      assertThat(f.error().type()).isEqualTo("torch.OutOfMemoryError");
      assertThat(f.error().message()).contains("CUDA out of memory.");
      assertThat(f.error().nodeId()).isEqualTo("3");
    });
  }

  @Test
  void aHungNodeIsInterruptedByTheWatchdogAndTimesOut() {
    engine.hangNode("KSampler");
    String id = dispatchedJob();
    assertThat(runner(engine, Duration.ofSeconds(2)).run(List.of(id))).isEqualTo(Runner.EXIT_OK);
    assertThat(last()).isInstanceOf(JobEvent.TimedOut.class);
  }

  @Test
  void storageFailuresAreRetriedUntilTheOutputIsStored() {
    outputs.failNextPuts(2);
    String id = dispatchedJob();
    assertThat(runner(engine, Duration.ofMinutes(1)).run(List.of(id))).isEqualTo(Runner.EXIT_OK);
    assertThat(last()).isInstanceOf(JobEvent.Succeeded.class);
    assertThat(outputs.puts).hasValue(3);
  }

  @Test
  void sigtermMidPromptHandsTheJobBackAsANewAttempt() throws Exception {
    engine.hangNode("KSampler");
    String id = dispatchedJob();
    Runner runner = runner(engine, Duration.ofMinutes(1));
    CompletableFuture<Integer> exit = startedAndRunning(runner, id);
    runner.stop();
    assertThat(exit.get()).isEqualTo(Runner.EXIT_OK);
    assertThat(jobs.get(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(queue.published).containsExactly(new JobSubmitted(id, "alice", 2));
    assertThat(events.published).noneMatch(e -> e.targetStatus().isTerminal());
  }

  @Test
  void aJobCancelledWhileRunningEndsCancelled() throws Exception {
    engine.hangNode("KSampler");
    String id = dispatchedJob();
    Runner runner = runner(engine, Duration.ofMinutes(1));
    CompletableFuture<Integer> exit = startedAndRunning(runner, id);
    jobs.update(id, current -> JobChange.Outcome.write(current.orElseThrow().withCancelRequested(Instant.now()), null));
    assertThat(exit.get()).isEqualTo(Runner.EXIT_OK);
    assertThat(last()).isInstanceOf(JobEvent.Cancelled.class);
  }

  @Test
  void aJobAnotherTaskAlreadyClaimedIsNeitherRunNorReported() {
    String id = dispatchedJob();
    assertThat(new ClaimJob(jobs, clock).claim(id, "another-execution")).isPresent();
    assertThat(runner(engine, Duration.ofMinutes(1)).run(List.of(id))).isEqualTo(Runner.EXIT_OK);
    assertThat(events.published).isEmpty();
    assertThat(outputs.puts).hasValue(0);
  }

  @Test
  void comfyUiDyingMidPromptExitsForATaskRetryWithoutAnEndReported(@TempDir Path ownDir) throws Exception {
    SimulatedComfyUI doomed = SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(ownDir).withStepTime(Duration.ofMillis(30)));
    try {
      doomed.hangNode("KSampler");
      String id = dispatchedJob();
      Runner runner = runner(doomed, Duration.ofMinutes(1));
      CompletableFuture<Integer> exit = startedAndRunning(runner, id);
      doomed.kill();
      assertThat(exit.get()).isEqualTo(Runner.EXIT_RETRY_MAY_HELP);
      assertThat(events.published).noneMatch(e -> e.targetStatus().isTerminal());
      // The task's retry takes the job back as a new attempt (same execution).
      assertThat(new ClaimJob(jobs, clock).claim(id, EXECUTION)).hasValueSatisfying(job -> assertThat(job.attempt()).isEqualTo(2));
    } finally {
      doomed.close();
    }
  }
}
