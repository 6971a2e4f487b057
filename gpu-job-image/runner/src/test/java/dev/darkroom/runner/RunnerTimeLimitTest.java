package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runner's time limit against a scripted engine: what a prompt that reaches it ends as, and
 * what wins when something else ends it first. (RunnerTimeLimitIT shows it on the simulated engine.)
 */
class RunnerTimeLimitTest {
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobEventPublisher events = new RecordingJobEventPublisher();
  private final FakeEngine engine = new FakeEngine();

  private void dispatched(String id, long maxRunSeconds) {
    Job job = Job.queued(id, "user-1", 1, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(),
        null, Instant.now()).withMaxRunSeconds(maxRunSeconds).withStatus(JobStatus.DISPATCHED, Instant.now());
    jobs.update(id, current -> JobChange.Outcome.write(job, null));
  }

  private int run(String id) {
    return new Runner(jobs, new RecordingJobQueue(), engine, events, new InMemoryOutputStore(), Clock.systemUTC(),
        RunnerTest.fastRetries(), new Runner.Settings("executions/limits", TaskShare.whole(), Duration.ofSeconds(1)))
        .run(List.of(id));
  }

  /** Reports the sampler's progress, waits for the runner's interrupt, then ends as {@code ending}. */
  private FakeEngine.Behaviour interruptedThen(String id, PromptOutcome ending) {
    return progress -> {
      progress.accept(new Progress("3", 4, 20));
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.interrupted.contains(id));
      return ending;
    };
  }

  private JobEvent last() {
    return events.published.get(events.published.size() - 1);
  }

  @Test
  void aPromptInterruptedAtItsLimitEndsTheJobTimedOutNamingTheLimitAndTheRunningNode() {
    dispatched("job-1", 1);
    engine.when("job-1", interruptedThen("job-1", new PromptOutcome.Interrupted()));

    assertThat(run("job-1")).isEqualTo(Runner.EXIT_OK);

    assertThat(engine.interrupted).containsExactly("job-1");
    assertThat(last()).isInstanceOfSatisfying(JobEvent.TimedOut.class, timedOut -> {
      assertThat(timedOut.error()).isEqualTo(JobError.interruptedAtTimeLimit(1, "3"));
      assertThat(timedOut.gpuSeconds()).isGreaterThanOrEqualTo(1.0);
    });
  }

  @Test
  void anEngineThatEndsThePromptOnlyThroughTheIdleWatchdogStillReportsTheLimit() {
    dispatched("job-1", 1);
    engine.when("job-1", interruptedThen("job-1", new PromptOutcome.TimedOut(Duration.ofSeconds(300))));

    run("job-1");

    assertThat(last()).isInstanceOfSatisfying(JobEvent.TimedOut.class,
        timedOut -> assertThat(timedOut.error().type()).isEqualTo(JobError.TIME_LIMIT_EXCEEDED));
  }

  @Test
  void aPromptThatCompletesAsItsLimitComesSucceeds() {
    dispatched("job-1", 1);
    engine.when("job-1", interruptedThen("job-1", new PromptOutcome.Completed(List.of())));

    run("job-1");

    assertThat(last()).isInstanceOf(JobEvent.Succeeded.class);
  }

  @Test
  void aCancelBeforeTheLimitEndsTheJobCancelled() {
    dispatched("job-1", 30);
    engine.when("job-1", progress -> {
      jobs.update("job-1", current -> JobChange.Outcome.write(current.orElseThrow().withCancelRequested(Instant.now()),
          null));
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.interrupted.contains("job-1"));
      return new PromptOutcome.Interrupted();
    });

    run("job-1");

    assertThat(last()).isInstanceOf(JobEvent.Cancelled.class);
  }

  @Test
  void aJobWithoutALimitIsNeverInterruptedForTime() {
    dispatched("job-1", 0);
    engine.when("job-1", progress -> {
      // Long enough for a limit of 0 s, were it taken as one, to have fired.
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
      return new PromptOutcome.Completed(List.of());
    });

    run("job-1");

    assertThat(engine.interrupted).isEmpty();
    assertThat(last()).isInstanceOf(JobEvent.Succeeded.class);
  }
}
