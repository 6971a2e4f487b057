package dev.darkroom.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobEventRulesTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Instant T1 = T0.plusSeconds(5);

  private static Job job(JobStatus status, int attempt, long lastSequence) {
    Job queued = Job.queued("p1", "alice", 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, T0);
    Job atAttempt = queued;
    for (int i = 1; i < attempt; i++) {
      atAttempt = atAttempt.requeued(T0);
    }
    return atAttempt.afterEvent(status, lastSequence, null, List.of(), null, 0, T0);
  }

  private static JobOutput output(String name) {
    return new JobOutput("9", "images", name, "", "output", "outputs/alice/p1/" + name,
        "image/png", 10, "ab");
  }

  private static Job applied(EventDecision decision) {
    assertThat(decision).isInstanceOf(EventDecision.Apply.class);
    return ((EventDecision.Apply) decision).next();
  }

  @Test
  void startedMovesADispatchedJobToRunningAndNamesTheExecution() {
    Job next = applied(JobEventRules.decide(job(JobStatus.DISPATCHED, 1, 0),
        new JobEvent.Started("p1", 1, 1, T1, "exec-1"), T1));
    assertThat(next.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(next.executionName()).isEqualTo("exec-1");
    assertThat(next.lastSequence()).isEqualTo(1);
    assertThat(next.updatedAt()).isEqualTo(T1);
  }

  @Test
  void progressBeforeStartedStillMovesTheJobOnAndLateStartedIsIgnored() {
    Job afterProgress = applied(JobEventRules.decide(job(JobStatus.DISPATCHED, 1, 0),
        new JobEvent.Progressed("p1", 1, 2, T1, new Progress("3", 4, 20)), T1));
    assertThat(afterProgress.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(afterProgress.progress()).isEqualTo(new Progress("3", 4, 20));

    EventDecision late = JobEventRules.decide(afterProgress,
        new JobEvent.Started("p1", 1, 1, T0, "exec-1"), T1);
    assertThat(late).isInstanceOf(EventDecision.Stale.class);
  }

  @Test
  void theSameEventTwiceIsADuplicateNotASecondChange() {
    JobEvent succeeded = new JobEvent.Succeeded("p1", 1, 3, T1, List.of(output("a.png")), 2.5);
    Job done = applied(JobEventRules.decide(job(JobStatus.RUNNING, 1, 2), succeeded, T1));
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);

    EventDecision again = JobEventRules.decide(done, succeeded, T1.plusSeconds(1));
    assertThat(again).isEqualTo(new EventDecision.Duplicate(done));
  }

  @Test
  void aTerminalEventCarriesAllOutputsSoALateOutputEventLosesNothing() {
    JobEvent succeeded = new JobEvent.Succeeded("p1", 1, 4, T1,
        List.of(output("a.png"), output("b.png")), 1.0);
    Job done = applied(JobEventRules.decide(job(JobStatus.RUNNING, 1, 1), succeeded, T1));
    assertThat(done.outputs()).extracting(JobOutput::filename).containsExactly("a.png", "b.png");

    EventDecision lateOutput = JobEventRules.decide(done,
        new JobEvent.OutputProduced("p1", 1, 3, T0, output("b.png")), T1);
    assertThat(lateOutput).isInstanceOf(EventDecision.Stale.class);
  }

  @Test
  void outputsAccumulateWithoutDuplicatesByObjectName() {
    Job one = applied(JobEventRules.decide(job(JobStatus.RUNNING, 1, 1),
        new JobEvent.OutputProduced("p1", 1, 2, T1, output("a.png")), T1));
    Job two = applied(JobEventRules.decide(one,
        new JobEvent.OutputProduced("p1", 1, 3, T1, output("a.png")), T1));
    assertThat(two.outputs()).hasSize(1);
  }

  @Test
  void eventsOfAnEarlierAttemptAreStale() {
    Job retried = job(JobStatus.RUNNING, 2, 0);
    EventDecision old = JobEventRules.decide(retried,
        new JobEvent.Failed("p1", 1, 9, T1, JobError.of("OOM", "boom"), 1), T1);
    assertThat(old).isInstanceOf(EventDecision.Stale.class);
    assertThat(((EventDecision.Stale) old).reason()).contains("attempt 1").contains("attempt 2");
  }

  @Test
  void nothingMovesAJobOutOfATerminalStatus() {
    Job cancelled = job(JobStatus.CANCELLED, 1, 5);
    EventDecision decision = JobEventRules.decide(cancelled,
        new JobEvent.Succeeded("p1", 1, 6, T1, List.of(), 1), T1);
    assertThat(decision).isInstanceOf(EventDecision.Stale.class);
    assertThat(((EventDecision.Stale) decision).reason()).contains("cancelled -> succeeded");
  }

  @Test
  void failureRecordsTheErrorAndGpuTimeAndClearsProgress() {
    Job running = applied(JobEventRules.decide(job(JobStatus.RUNNING, 1, 1),
        new JobEvent.Progressed("p1", 1, 2, T1, new Progress("3", 1, 20)), T1));
    Job failed = applied(JobEventRules.decide(running,
        new JobEvent.Failed("p1", 1, 3, T1, new JobError("RuntimeError", "boom", "3"), 4.5), T1));
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.error()).isEqualTo(new JobError("RuntimeError", "boom", "3"));
    assertThat(failed.gpuSeconds()).isEqualTo(4.5);
    assertThat(failed.progress()).isNull();
  }
}
