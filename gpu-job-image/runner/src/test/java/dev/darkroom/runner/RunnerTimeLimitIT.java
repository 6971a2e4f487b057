package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.comfyui.sim.SimulatedComfyUI;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.usecase.ApplyJobEvent;
import dev.darkroom.runner.comfy.ComfyClient;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobQueue;
import dev.darkroom.testing.RecordingNotificationPublisher;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner enforcing a job's time limit on the simulated engine, whose sampler steps take long
 * enough (20 steps of 150 ms) that a prompt of a 1 s limit is still running, and still reporting
 * progress (so the idle watchdog has no part in it), when its limit comes.
 */
class RunnerTimeLimitIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private static SimulatedComfyUI engine;
  private static ObjectNode workflow;

  private final Clock clock = Clock.systemUTC();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobEventPublisher events = new RecordingJobEventPublisher();
  private final InMemoryOutputStore outputs = new InMemoryOutputStore();

  @BeforeAll
  static void startEngine() throws Exception {
    engine = SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(dataDir.resolve("engine"))
        .withStepTime(Duration.ofMillis(150)));
    try (InputStream in = RunnerTimeLimitIT.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = (ObjectNode) JSON.readTree(in);
    }
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  private Runner runner() {
    ComfyClient client = new ComfyClient(new ComfyClient.Settings(URI.create(engine.baseUrl()), Duration.ofMinutes(1),
        Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(10)), JSON);
    return new Runner(jobs, new RecordingJobQueue(), client, events, outputs, clock,
        new Retries(4, Duration.ofMillis(5), Duration.ofMillis(20)),
        new Runner.Settings("exec-limits", TaskShare.whole(), Duration.ofSeconds(10)));
  }

  private String dispatchedJob(long maxRunSeconds, long seed) {
    ObjectNode prompt = workflow.deepCopy();
    ((ObjectNode) prompt.path("3").path("inputs")).put("seed", seed);
    String id = UUID.randomUUID().toString();
    Job job = Job.queued(id, "alice", 1, prompt, JSON.createObjectNode(), null, Instant.now())
        .withMaxRunSeconds(maxRunSeconds).withStatus(JobStatus.DISPATCHED, Instant.now());
    jobs.update(id, current -> JobChange.Outcome.write(job, null));
    return id;
  }

  private JobEvent last() {
    return events.published.get(events.published.size() - 1);
  }

  @Test
  void aPromptRunningPastItsLimitIsInterruptedAndTheJobEndsTimedOutBilledForItsTime() {
    String id = dispatchedJob(1, 7001);

    long began = System.nanoTime();
    assertThat(runner().run(List.of(id))).isEqualTo(Runner.EXIT_OK);
    double tookSeconds = (System.nanoTime() - began) / 1e9;

    assertThat(tookSeconds).as("interrupted at its limit, not run to its 3 s end").isLessThan(2.9);
    assertThat(last()).isInstanceOfSatisfying(JobEvent.TimedOut.class, timedOut -> {
      assertThat(timedOut.error().type()).isEqualTo(JobError.TIME_LIMIT_EXCEEDED);
      assertThat(timedOut.error().message()).contains("time limit of 1 s").contains("max_run_seconds");
      assertThat(timedOut.error().nodeId()).as("the sampler was running").isEqualTo("3");
      assertThat(timedOut.gpuSeconds()).as("its time on the engine").isBetween(1.0, tookSeconds);
    });
    assertThat(events.published).filteredOn(JobEvent.Progressed.class::isInstance).isNotEmpty();
    assertThat(outputs.objects).as("an interrupted prompt saves nothing").isEmpty();

    // Through job-events as in the cloud: the job ends timed_out, its GPU time on the ledger.
    InMemoryLedger ledger = new InMemoryLedger();
    RecordingNotificationPublisher notifications = new RecordingNotificationPublisher();
    ApplyJobEvent apply = new ApplyJobEvent(jobs, ledger, notifications, clock);
    events.published.forEach(apply::apply);
    Job ended = jobs.get(id).orElseThrow();
    assertThat(ended.status()).isEqualTo(JobStatus.TIMED_OUT);
    assertThat(ended.error().type()).isEqualTo(JobError.TIME_LIMIT_EXCEEDED);
    assertThat(ledger.rows.get(id).billedGpuSeconds()).isEqualTo(((JobEvent.TimedOut) last()).gpuSeconds());
    assertThat(notifications.published).singleElement().satisfies(n -> assertThat(n.status()).isEqualTo("timed_out"));
  }

  @Test
  void aPromptThatEndsWithinItsLimitSucceeds() {
    String id = dispatchedJob(30, 7002);

    assertThat(runner().run(List.of(id))).isEqualTo(Runner.EXIT_OK);

    assertThat(last()).isInstanceOfSatisfying(JobEvent.Succeeded.class,
        succeeded -> assertThat(succeeded.outputs()).hasSize(1));
  }
}
