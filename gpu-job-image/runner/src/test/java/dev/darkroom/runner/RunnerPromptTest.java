package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runner runs the prompt the store keeps beside the job, and one still inline in an older job document. */
class RunnerPromptTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final FakeEngine engine = new FakeEngine();

  @Test
  void aSubmittedJobRunsThePromptStoredBesideIt() throws Exception {
    ObjectNode prompt = prompt("beside");
    jobs.create(Job.queued("job-1", "alice", 1, prompt, null, "c1", clock.instant()));
    jobs.update("job-1", current -> JobChange.Outcome.write(
        current.orElseThrow().withStatus(JobStatus.DISPATCHED, clock.instant()), null));
    assertThat(jobs.get("job-1").orElseThrow().prompt()).as("the live document has no prompt").isNull();

    runner().run(List.of("job-1"));

    assertThat(engine.prompts.get("job-1")).isEqualTo(prompt);
  }

  @Test
  void aJobWrittenWithItsPromptInlineRunsThatPrompt() throws Exception {
    ObjectNode prompt = prompt("inline");
    Job inline = Job.queued("job-2", "alice", 1, prompt, null, "c1", clock.instant())
        .withStatus(JobStatus.DISPATCHED, clock.instant());
    jobs.update("job-2", current -> JobChange.Outcome.write(inline, null));

    runner().run(List.of("job-2"));

    assertThat(engine.prompts.get("job-2")).isEqualTo(prompt);
  }

  private Runner runner() {
    return new Runner(jobs, new RecordingJobQueue(), engine, new RecordingJobEventPublisher(),
        new InMemoryOutputStore(), clock, RunnerTest.fastRetries(),
        new Runner.Settings("executions/gpu-job-abc12", TaskShare.whole(), Duration.ofSeconds(1)));
  }

  private static ObjectNode prompt(String prefix) throws Exception {
    return (ObjectNode) new ObjectMapper().readTree("{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\""
        + prefix + "\"}}}");
  }
}
